import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.test import override_settings

from partnerships.models import LocalAuthority, Membership, Partnership, PublishedArrangement, SiteApproach, Theme
from partnerships.roles import FACILITATORS_GROUP, is_facilitator, led_partnership_ids


def counts():
    return {
        model.__name__: model.objects.count()
        for model in (Partnership, LocalAuthority, Theme, SiteApproach, PublishedArrangement)
    }


@pytest.mark.django_db
def test_load_programme_loads_the_deck():
    call_command("load_programme")
    assert counts() == {
        "Partnership": 17,
        "LocalAuthority": 31,
        "Theme": 11,
        "SiteApproach": 36,
        "PublishedArrangement": 3,
    }
    assert Theme.objects.in_matrix().count() == 8
    assert [t.enquiry_line for t in Theme.objects.enquiry_lines()] == [
        "Structural arrangements",
        "Independent Scrutiny",
        "Learning Reviews",
        "Role of Children, Young People and Families",
        "Role of Wider Partners",
        "Addressing Local Practice Challenges",
        "Information Sharing",
        "Regional Alignment of CDR",
        "Resourcing",
    ]
    reading = Partnership.objects.get(name="Reading, W. Berks, Wokingham")
    assert sorted(reading.authorities.values_list("name", flat=True)) == ["Reading", "West Berkshire", "Wokingham"]
    assert reading.get_region_display() == "South East"
    devon = PublishedArrangement.objects.get(partnership__slug="devon-plymouth-torbay")
    assert devon.published_month.isoformat() == "2018-11-01"
    assert devon.document_url.startswith("https://www.devonchildrenandfamilypartnership.org.uk/")


@pytest.mark.django_db
def test_load_programme_twice_changes_nothing():
    call_command("load_programme")
    first = counts()
    call_command("load_programme")
    assert counts() == first


@pytest.mark.django_db
def test_load_programme_keeps_corrections_made_in_the_admin():
    call_command("load_programme")
    Partnership.objects.filter(slug="wiltshire").update(summary="Corrected by NCB staff.")
    call_command("load_programme")
    assert Partnership.objects.get(slug="wiltshire").summary == "Corrected by NCB staff."


@pytest.mark.django_db
@override_settings(DEBUG=True)
def test_demo_users_are_a_facilitator_and_a_lead():
    call_command("load_programme", "--demo-users")
    call_command("load_programme", "--demo-users")
    facilitator = Membership._meta.get_field("user").related_model.objects.get(username="facilitator")
    lead = Membership._meta.get_field("user").related_model.objects.get(username="lead")
    assert facilitator.groups.filter(name=FACILITATORS_GROUP).exists()
    assert is_facilitator(facilitator) and not is_facilitator(lead)
    assert led_partnership_ids(lead) == {Partnership.objects.get(slug="devon-plymouth-torbay").pk}


@pytest.mark.django_db
@override_settings(DEBUG=False)
def test_demo_users_refused_without_debug():
    with pytest.raises(CommandError, match="DJANGO_DEBUG"):
        call_command("load_programme", "--demo-users")
