"""The profile and objectives pages' autosave (issue 13, user trial D6) and the cost shares'
total without JavaScript (D10): what is valid is saved, what is not is said and kept."""

from __future__ import annotations

from django.urls import reverse

from tests.factories import make_assessment, make_submitted, open_link, profile_post, url


def _autosave(client, assessment, step: str, data: dict):
    return client.post(reverse("readiness:step_autosave",
                               kwargs={"public_id": assessment.public_id, "step_key": step}), data)


def test_profile_autosave_saves_a_valid_profile_and_says_what_is_not(framework, client):
    assessment, token = make_assessment()
    open_link(client, token)
    saved = _autosave(client, assessment, "profile", profile_post(employees="85"))
    assert saved.status_code == 200 and "data-saved" in saved.content.decode()
    assessment.refresh_from_db()
    assert assessment.employees == 85

    refused = _autosave(client, assessment, "profile", profile_post(employees="8O"))
    body = refused.content.decode()
    assert "data-not-saved" in body and "Not saved yet. Employees (headcount):" in body
    assessment.refresh_from_db()
    assert assessment.employees == 85


def test_objectives_are_saved_while_the_cost_shares_do_not_add_up_yet(framework, client):
    assessment, token = make_assessment()
    open_link(client, token)
    body = _autosave(client, assessment, "objectives", {
        "objectives": ["quality", "cost"], "cost_labour": "50", "cost_materials": "20",
    }).content.decode()
    assert "Objectives saved; cost shares not saved yet." in body
    assert "add up to 70 %" in body
    assessment.refresh_from_db()
    assert assessment.objectives == ["quality", "cost"] and assessment.cost_profile == {}

    body = _autosave(client, assessment, "objectives", {
        "objectives": ["quality"], "cost_labour": "50", "cost_materials": "50",
    }).content.decode()
    assert "data-saved" in body
    assessment.refresh_from_db()
    assert assessment.cost_profile == {"labour": 50, "materials": 50}


def test_autosave_needs_the_link_and_a_draft(framework, client):
    assessment, _token = make_assessment()
    response = _autosave(client, assessment, "profile", profile_post())
    assert response.status_code == 403
    assessment.refresh_from_db()
    assert assessment.employees == 45

    submitted, token = make_submitted()
    open_link(client, token)
    response = _autosave(client, submitted, "profile", profile_post(employees="99"))
    assert response.status_code == 409 and "read-only" in response.content.decode()
    submitted.refresh_from_db()
    assert submitted.employees == 45


def test_without_javascript_the_page_shows_the_total_after_a_save(framework, client):
    assessment, token = make_assessment()
    open_link(client, token)
    page = client.get(url("objectives", assessment)).content.decode()
    assert "Total: 0 %. Leave them all empty, or make them add up to 100 %." in page
    response = client.post(url("objectives", assessment), {
        "cost_labour": "60", "cost_materials": "30", "go": "next"})
    page = response.content.decode()
    assert "Total: 90 %, so 10 % is still to place." in page
    assert 'value="60"' in page  # kept as typed
    assert "they must add up to 100" in page


def test_the_sector_list_offers_manufacturing_first_and_a_path_for_others():
    from readiness.forms import ProfileForm

    groups = ProfileForm().fields["sector"].choices
    assert groups[0] == ("", "Choose your main activity")
    (first_label, first), (other_label, other) = groups[1], groups[2]
    assert first_label.startswith("Manufacturing")
    assert [code for code, _ in first] == [f"{n}" for n in range(10, 34)]
    assert other_label.startswith("Not manufacturing")
    codes = {code for code, _ in other}
    assert {"01", "47", "62"} <= codes  # a farm, a shop, a software firm can still choose
    assert not codes & {"97", "98", "99"}  # households and embassies are not firms
    assert not ProfileForm(data=profile_post(sector="97")).is_valid()
