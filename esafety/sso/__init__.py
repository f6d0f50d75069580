"""Sign-in with a trust's own Microsoft 365 or Google Workspace accounts.

`services` holds the rules (which provider an address goes to, who a provider's answer
matches, whether it counts as two-factor), `adapter` plugs them into django-allauth,
`views` and `forms` are the chair's settings page and the sign-in page's button.
"""
