"""Reading metric names out of PromQL, which the live metric-name check relies on."""

from tests.deploy.promql_names import Selection, all_queries, metric_names, selections


def test_names_are_found_in_every_kind_of_expression():
    expr = (
        "histogram_quantile(0.95, sum by (le) ("
        'rate(a_bucket{service=~"$service"}[$__rate_interval])))'
        " / on () group_left max(b offset 10m) + absent(c == 1) + -d"
        ' + on () max_over_time(e[5m:1m]) + on () {__name__="f"} + time() * 2'
    )
    assert metric_names(expr) == {"a_bucket", "b", "c", "d", "e", "f"}


def test_the_label_names_each_selector_matches_on_are_found():
    assert selections('urban_assets{kind="old_block", city=~"$city"}') == {
        Selection("urban_assets", frozenset({"kind", "city"}))
    }


def test_every_rule_and_dashboard_query_parses_and_selects_something():
    queries = all_queries()
    assert len(queries) > 40
    for query in queries:
        assert metric_names(query.expr), query.where
