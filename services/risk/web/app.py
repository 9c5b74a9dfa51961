"""The status pages as a WSGI application: routing and responses by werkzeug, HTML by Jinja2.

Figures come from the same ProgressReports and messages as GetPlanProgress and
GetPlanProgressHistory; the JSON endpoints are GetPlanProgress's answer in proto3 JSON.
"""

import re
import time
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path

from google.protobuf import json_format
from jinja2 import Environment, FileSystemLoader, select_autoescape
from werkzeug.exceptions import HTTPException, MethodNotAllowed, NotFound
from werkzeug.routing import Map, Rule
from werkzeug.wrappers import Request, Response

from services.risk.api.messages import breakdown_message, history_message, progress_message
from services.risk.app.queries import ReadModelQueries
from services.risk.app.reports import ProgressReports, UnknownCity
from services.risk.web.charts import burn_up
from services.risk.web.districts import KINDS, district_rows, must_renovate_map
from services.risk.web.figures import BEHIND, TargetFigures, day_of, page_targets, status_of
from services.risk.web.formatting import figure, percent, points
from services.risk.web.freshness import city_rows
from services.risk.web.i18n import Texts, choose_language

_CITY_CODE = re.compile(r"\d{6}")
RETRY_AFTER_SECONDS = 5  # a start takes seconds (minutes when a large log is caught up)
_TEMPLATES = Path(__file__).with_name("templates")
_URLS = Map(
    [
        Rule("/", endpoint="province", methods=["GET"]),
        Rule("/progress.json", endpoint="province_json", methods=["GET"]),
        Rule("/cities/<code>", endpoint="city", methods=["GET"]),
        Rule("/cities/<code>/progress.json", endpoint="city_json", methods=["GET"]),
        Rule("/cities/<code>/districts.json", endpoint="districts_json", methods=["GET"]),
    ],
    strict_slashes=False,
)


def proto_json(message) -> str:
    """proto3 JSON: lowerCamelCase names, default values written, int64 as strings."""
    return json_format.MessageToJson(
        message, always_print_fields_with_no_presence=True, ensure_ascii=False, indent=2
    )


class StatusPages:
    def __init__(
        self,
        queries: ReadModelQueries,
        reports: ProgressReports,
        stale_after_seconds: float,
        now: Callable[[], float] = time.time,
        ready: Callable[[], bool] = lambda: True,
    ):
        """Until `ready()`, every page answers 503: its figures would not be true yet."""
        self.queries, self.reports, self.ready = queries, reports, ready
        self.stale_after_seconds, self.now = stale_after_seconds, now
        self.templates = Environment(
            loader=FileSystemLoader(_TEMPLATES), autoescape=select_autoescape(["html"])
        )
        self.templates.filters.update(
            figure=figure, percent=percent, points=points, status=status_of
        )

    def __call__(self, environ, start_response):
        request = Request(environ)
        texts = Texts(choose_language(request.args.get("lang"), request.accept_languages.values()))
        try:
            endpoint, arguments = _URLS.bind_to_environ(environ).match()
            if self.ready():
                response = getattr(self, endpoint)(texts, **arguments)
            else:
                response = self._not_ready(texts)
        except (NotFound, UnknownCity):
            response = self._not_found(texts)
        except MethodNotAllowed as error:
            response = error.get_response(environ)
        except HTTPException as error:
            response = error.get_response(environ)
        return response(environ, start_response)

    def province(self, texts: Texts) -> Response:
        return self._page("province.html", texts, None)

    def city(self, texts: Texts, code: str) -> Response:
        code = _checked(code)
        breakdown = breakdown_message(self.reports.districts(code))
        return self._page(
            "city.html",
            texts,
            code,
            districts=district_rows(breakdown, texts),
            shaded=must_renovate_map(breakdown, texts),
            kinds=KINDS,
        )

    def province_json(self, texts: Texts) -> Response:
        return _json(progress_message(self.reports.progress(None)))

    def city_json(self, texts: Texts, code: str) -> Response:
        return _json(progress_message(self.reports.progress(_checked(code))))

    def districts_json(self, texts: Texts, code: str) -> Response:
        return _json(breakdown_message(self.reports.districts(_checked(code))))

    def _page(self, template: str, texts: Texts, city: str | None, **parts) -> Response:
        progress = progress_message(self.reports.progress(city))
        history = history_message(self.reports.history(city))
        view = self.queries.view()
        facts = view.cities.get(city) if city else None
        targets = page_targets(progress, history, for_city=city is not None)
        charts = {t.key: _chart(t, texts) for t in targets}
        province = progress if city is None else progress_message(self.reports.progress(None))
        html = self.templates.get_template(template).render(
            t=texts,
            lang=texts.language,
            progress=progress,
            targets=targets,
            charts=charts,
            behind=BEHIND,
            city=facts,
            city_name=texts.name(facts.display_name, facts.english_name) if facts else None,
            city_code=city,
            as_of=self.reports.clock(),
            period=(day_of(progress.period_start), day_of(progress.period_end)),
            rows=city_rows(view, province, self.now(), self.stale_after_seconds),
            stale_days=round(self.stale_after_seconds / 86400, 1),
            timestamp=_timestamp,
            **parts,
        )
        return Response(html, content_type="text/html; charset=utf-8",
                        headers={"Content-Language": texts.language})

    def _not_found(self, texts: Texts) -> Response:
        html = self.templates.get_template("not_found.html").render(t=texts, lang=texts.language)
        return Response(html, status=404, content_type="text/html; charset=utf-8")

    def _not_ready(self, texts: Texts) -> Response:
        html = self.templates.get_template("not_ready.html").render(
            t=texts, lang=texts.language, retry_seconds=RETRY_AFTER_SECONDS
        )
        headers = {"Retry-After": str(RETRY_AFTER_SECONDS), "Cache-Control": "no-store",
                   "Content-Language": texts.language}
        return Response(html, status=503, content_type="text/html; charset=utf-8",
                        headers=headers)


def _chart(target: TargetFigures, texts: Texts):
    return burn_up(target.months, target.progress.unit, texts.achieved, texts.expected_line)


def _checked(code: str) -> str:
    if not _CITY_CODE.fullmatch(code):
        raise NotFound()
    return code


def _json(message) -> Response:
    return Response(proto_json(message), content_type="application/json; charset=utf-8")


def _timestamp(seconds: float | None) -> str:
    if not seconds:
        return ""
    return datetime.fromtimestamp(seconds, UTC).strftime("%Y-%m-%d %H:%M UTC")
