from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render

from govmedia.compliance.services import portal_domains
from govmedia.web.forms import parse_id

from .forms import PersonForm, PortalForm, UnitForm
from .models import County, Unit, User, units_visible_to
from .permissions import require
from .services import save_person, save_portal_domains, save_unit


def people_of_county(user: Any) -> QuerySet[User]:
    return User.objects.filter(unit__county=user.county_id)


def units(request: HttpRequest) -> HttpResponse:
    require(request.user, "org.manage")
    return render(request, "org/units.html", {"units": units_visible_to(request.user)})


def unit_edit(request: HttpRequest, pk: int | None = None) -> HttpResponse:
    require(request.user, "org.manage")
    unit = get_object_or_404(units_visible_to(request.user), pk=pk) if pk else Unit()
    form = UnitForm(request.POST or None, instance=unit)
    if request.method == "POST" and form.is_valid():
        save_unit(request.user, form.instance, request=request)
        messages.success(request, f"单位“{unit.name}”已保存。")
        return redirect("org:units")
    return render(request, "org/edit.html", {"form": form, "title": "编辑单位" if pk else "新增单位"})


def county_settings(request: HttpRequest) -> HttpResponse:
    """本县设置 for the system administrator: the county government portal's domains (R5.4-1)."""
    require(request.user, "org.manage")
    user: Any = request.user
    county = get_object_or_404(County, pk=user.county_id)
    form = PortalForm(
        request.POST or None,
        initial={"portal_domains": county.portal_domains.replace(",", "，")},
        fallback=portal_domains(),
    )
    if request.method == "POST" and form.is_valid():
        try:
            save_portal_domains(user, county, form.cleaned_data["portal_domains"], request=request)
        except ValidationError as exc:
            form.add_error("portal_domains", exc.message_dict["portal_domains"])
        else:
            messages.success(request, f"{county.name}门户网站域名已保存。")
            return redirect("org:units")
    return render(request, "org/edit.html", {"form": form, "title": f"{county.name}设置"})


def people(request: HttpRequest) -> HttpResponse:
    require(request.user, "org.manage")
    qs = (
        people_of_county(request.user)
        .select_related("unit")
        .prefetch_related("roles")
        .order_by("unit__order", "id")
    )
    if (unit_id := parse_id(request.GET.get("unit", ""))) is not None:
        qs = qs.filter(unit_id=unit_id)
    if q := request.GET.get("q", "").strip():
        qs = qs.filter(full_name__contains=q) | qs.filter(username__contains=q)
    page = Paginator(qs, 50).get_page(request.GET.get("page"))
    return render(
        request,
        "org/people.html",
        {"page": page, "units": units_visible_to(request.user), "unit_id": unit_id},
    )


def person_edit(request: HttpRequest, pk: int | None = None) -> HttpResponse:
    require(request.user, "org.manage")
    person = get_object_or_404(people_of_county(request.user), pk=pk) if pk else User()
    form = PersonForm(request.POST or None, instance=person, units=units_visible_to(request.user))
    if request.method == "POST" and form.is_valid():
        save_person(
            request.user,
            form.instance,
            roles=form.cleaned_data["roles"],
            initial_password=form.cleaned_data["initial_password"],
            request=request,
        )
        messages.success(request, f"人员“{person.full_name}”已保存。")
        return redirect("org:people")
    return render(request, "org/edit.html", {"form": form, "title": "编辑人员" if pk else "新增人员"})
