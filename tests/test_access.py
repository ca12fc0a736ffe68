"""Roles and permissions: who may create, change, share and delete programmes."""

from htq import access
from htq.access import User


def test_who_may_do_what():
    owner = User("bob@college.ac.uk", "Bob", access.EDITOR)
    viewer = User("vic@college.ac.uk", "Vic", access.VIEWER)
    admin = User("ann@college.ac.uk", "Ann", access.ADMINISTRATOR)
    people = {"bob@college.ac.uk": access.OWNER}
    assert owner.can_create() and owner.can_edit(people) and not owner.can_administer()
    assert not viewer.can_create() and not viewer.can_edit(people)
    assert viewer.can_edit({"VIC@college.ac.uk": access.CO_EDITOR})  # made editor of this one programme
    assert not User("eve@college.ac.uk", "Eve", access.EDITOR).can_edit(people)  # another team's programme
    assert admin.can_edit(people) and admin.can_administer()
    local = access.local_user("Ann")
    assert local.local and local.can_edit({}) and local.label == "Ann"
    assert owner.label == "Bob <bob@college.ac.uk>"


def test_first_role(monkeypatch):
    monkeypatch.delenv(access.ADMINS_ENV, raising=False)
    assert access.first_role("a@x.ac.uk", members=0) == access.ADMINISTRATOR
    assert access.first_role("b@x.ac.uk", members=1) == access.VIEWER
    monkeypatch.setenv(access.ADMINS_ENV, "boss@x.ac.uk, Head@x.ac.uk")
    assert access.first_role("a@x.ac.uk", members=0) == access.VIEWER  # admins are named: nobody else is one
    assert access.first_role("head@x.ac.uk", members=5) == access.ADMINISTRATOR
