"""Entry point of mkdocs-macros: registers the briefing's functions, nothing else.

The functions live in :mod:`briefing.render`; see README "Editing the briefing"
for what each does.
"""

from briefing.site import context_for


def define_env(env):
    """Register the briefing macros for this build."""
    context = context_for(env.conf)
    for name, function in context.renderer.macros().items():
        env.macro(function, name)
