"""`{% local_contacts school %}`: who to call first (999, the LADO, the children's social
care front door, CEOP and the IWF), with a link to the school's whole list. Shown where
staff log an incident; one query."""

from django import template

from esafety.contacts import urgent_contacts

register = template.Library()


@register.inclusion_tag("esafety/contacts/_panel.html")
def local_contacts(school):
    return {"school": school, "entries": urgent_contacts(school)}
