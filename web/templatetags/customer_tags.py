"""The money and map filters under their older library name: the same functions as ``browse``."""

from django import template

from web.templatetags.browse import map_url, rub

register = template.Library()
register.filter("rub", rub)
register.filter("map_url", map_url)
