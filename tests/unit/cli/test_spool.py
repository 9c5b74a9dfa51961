from services.cli.spool import open_spool
from urban.registry.v1 import resources_pb2 as r


def test_the_spool_gives_back_what_was_added_in_order():
    assets = [r.Asset(name=f"cities/330100/assets/p-{n}", display_name="管线 " * n,
                      pipe_segment=r.PipeSegment(length_m=n + 0.5)) for n in range(300)]
    with open_spool() as spool:
        for number, asset in enumerate(assets):
            spool.add(f"line {number + 2}", asset)
        first, second = list(spool), list(spool)
    assert first == second == [(f"line {n + 2}", asset) for n, asset in enumerate(assets)]
    assert spool.count == 300
