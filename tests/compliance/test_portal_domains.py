"""R5.4-1 in an instance holding several counties: a post reposted from the county government portal must
link to its own county's portal. Each county's system administrator sets the domains (本县设置); a county
without them uses the instance's COUNTY_PORTAL_DOMAINS."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.exceptions import PermissionDenied

from govmedia.audit.models import Entry
from govmedia.compliance import services
from govmedia.compliance.core import Post as CheckedPost
from govmedia.org.models import County, User
from govmedia.org.services import save_portal_domains
from govmedia.publishing import checks
from govmedia.publishing import services as publishing

pytestmark = pytest.mark.django_db
DAYAO = "https://www.dayao.gov.cn/xxgk/1.html"
YAOAN = "https://www.yaoan.gov.cn/xxgk/1.html"


def _rules(url: str, county_id: int | None) -> list[str]:
    post = CheckedPost(category="a", kind="portal", portal_url=url)
    return [f.rule for f in services.check_post(post, None, services.portal_domains(county_id))]


def test_r5_4_1_each_county_checks_against_its_own_portal(neighbour: dict[str, Any], cast: Any) -> None:
    dayao: County = neighbour["county"]
    yaoan = cast["center"].county_id
    assert _rules(DAYAO, dayao.pk) == ["post.portal.url"]  # not set yet: the instance's setting (姚安)
    save_portal_domains(neighbour["people"]["dy_sysadmin"], dayao, "www.dayao.gov.cn， dayao.gov.cn")
    assert _rules(DAYAO, dayao.pk) == [] and _rules(YAOAN, dayao.pk) == ["post.portal.url"]
    assert _rules(YAOAN, yaoan) == [] and _rules(DAYAO, yaoan) == ["post.portal.url"]


def test_r5_4_1_a_posts_check_uses_its_units_county(neighbour: dict[str, Any]) -> None:
    town_admin: User = neighbour["people"]["dy_town_admin"]
    account = neighbour["accounts"]["town"]
    save_portal_domains(neighbour["people"]["dy_sysadmin"], neighbour["county"], "www.dayao.gov.cn")
    data = {"title": "转载", "body": "正文内容。", "category": "a", "kind": "portal"}
    ours = publishing.create_post(town_admin, {**data, "portal_url": DAYAO}, [account.pk])
    theirs = publishing.create_post(town_admin, {**data, "portal_url": YAOAN}, [account.pk])
    assert "post.portal.url" not in [f.rule for f in checks.check(ours, [account])]
    assert "post.portal.url" in [f.rule for f in checks.check(theirs, [account])]


def test_r5_4_1_the_sysadmin_sets_the_domains_on_the_page(login: Any, neighbour: dict[str, Any]) -> None:
    client = login("dy_sysadmin")
    page = client.get("/org/units/county/").content.decode()
    assert "大姚县设置" in page and "www.yaoan.gov.cn" in page  # what an empty field falls back to
    assert "本县设置" in client.get("/org/units/").content.decode()
    response = client.post("/org/units/county/", {"portal_domains": "WWW.DaYao.gov.cn，dayao.gov.cn"})
    assert response.status_code == 302
    neighbour["county"].refresh_from_db()
    assert neighbour["county"].portal_domains == "www.dayao.gov.cn,dayao.gov.cn"
    entry = Entry.objects.filter(action="org.county_saved").latest("id")
    assert entry.after == {"portal_domains": "www.dayao.gov.cn,dayao.gov.cn"}


@pytest.mark.parametrize(
    "text",
    [
        "http://www.dayao.gov.cn/",
        "www.dayao.gov.cn/xxgk",
        "大姚县门户",
        "dayao",
        ",".join(f"a{i}.cn" for i in range(11)),
    ],
)
def test_r5_4_1_bad_domains_are_refused_in_chinese_and_nothing_changes(
    login: Any, neighbour: dict[str, Any], text: str
) -> None:
    save_portal_domains(neighbour["people"]["dy_sysadmin"], neighbour["county"], "www.dayao.gov.cn")
    response = login("dy_sysadmin").post("/org/units/county/", {"portal_domains": text})
    assert response.status_code == 200
    html = response.content.decode()
    assert "域名格式不正确" in html or "最多填写10个域名" in html
    neighbour["county"].refresh_from_db()
    assert neighbour["county"].portal_domains == "www.dayao.gov.cn"


def test_r5_4_1_only_a_sysadmin_sets_their_own_countys_domains(
    login: Any, neighbour: dict[str, Any], cast: Any
) -> None:
    assert login("dy_center").get("/org/units/county/").status_code == 403
    with pytest.raises(PermissionDenied):
        save_portal_domains(cast["sysadmin"], neighbour["county"], "evil.example.cn")
    neighbour["county"].refresh_from_db()
    assert neighbour["county"].portal_domains == ""


def test_r5_4_1_the_editor_panel_checks_against_the_authors_county(
    login: Any, neighbour: dict[str, Any]
) -> None:
    save_portal_domains(neighbour["people"]["dy_sysadmin"], neighbour["county"], "www.dayao.gov.cn")
    client = login("dy_town_admin")
    form = {
        "accounts": [neighbour["accounts"]["town"].pk],
        "title": "转载",
        "body": "正文。",
        "kind": "portal",
    }
    ours = client.post("/publishing/panel/", {**form, "portal_url": DAYAO}).content.decode()
    theirs = client.post("/publishing/panel/", {**form, "portal_url": YAOAN}).content.decode()
    assert "不属于县人民政府门户网站" not in ours
    assert "不属于县人民政府门户网站（应为www.dayao.gov.cn）" in theirs
