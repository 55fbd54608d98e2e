from django import template

from niic import offline

register = template.Library()


@register.simple_tag
def theme_colour():
    """The app's title bar colour: the brand colour of the design tokens (site.css)."""
    return offline.theme_colour()
