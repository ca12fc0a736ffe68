"""Saved programmes the tests share: one mapped against the shipped snapshot's Software developer KSBs."""

from htq import coverage
from htq.programme import Module
from htq.store import SavedProgramme, ShortlistEntry


def mapped_programme(snap, title="FdSc Software Development", modules=("SD401",)):
    content = snap.data.content["ST0116"]
    rows = tuple(
        coverage.MappingRow(
            "ST0116",
            content.version,
            k.kind,
            k.code,
            k.text,
            "full",
            "full",
            (coverage.Evidence(modules[0], "outcome", 0.7),),
            0.7,
            "high",
            decision=coverage.ACCEPTED,
        )
        for k in content.ksbs
    )
    return SavedProgramme(
        id="p1",
        title=title,
        level=5,
        modules=tuple(Module(m, m, 4) for m in modules),
        shortlist=(ShortlistEntry("OCC0116", "ST0116", "Software developer", "", "1.2", "Approved for delivery"),),
        mapping=rows,
        snapshot_id=snap.id,
        snapshot_date=snap.date,
        updated_at="2026-07-10T10:00:00",
        updated_by="Ann",
    )
