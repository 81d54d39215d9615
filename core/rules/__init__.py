"""Rules: their language (`syntax`), their expansion onto a layout (`binding`), and the rules written in code (`coded`).

Nothing is re-exported here on purpose: `core.templates` imports `core.rules.syntax`, and
`core.rules.binding` imports `core.templates`, so a package that imported its parts would
make importing the templates import the binding, a circle.
"""
