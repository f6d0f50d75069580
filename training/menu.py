"""Training's entries in the main navigation."""

from esafety.menu import menu_entry

menu_entry("Training", "My training", "training-mine", rule="training.use_as_staff", order=50)
menu_entry("Training", "Ask for training", "training-cpd-mine", rule="training.ask_cpd", order=51)
menu_entry(
    "Training", "Online-safety lessons", "training-lessons", rule="training.use_lessons", order=52
)
menu_entry(
    "Training",
    "Training matrix",
    "training-matrix",
    rule="training.manage",
    order=53,
    per_school=True,
)
menu_entry(
    "Training",
    "Requirements",
    "training-requirements",
    rule="training.manage",
    order=54,
    per_school=True,
)
menu_entry(
    "Training",
    "Record a session",
    "training-session",
    rule="training.manage",
    order=55,
    per_school=True,
)
menu_entry(
    "Training",
    "Requests and records to check",
    "training-inbox",
    rule="training.manage",
    order=56,
    per_school=True,
)
menu_entry(
    "Training",
    "Parents' sessions",
    "training-parent-sessions",
    rule="training.manage",
    order=57,
    per_school=True,
)
menu_entry(
    "Training",
    "Curriculum map",
    "training-curriculum",
    rule="training.manage",
    order=58,
    per_school=True,
)
menu_entry(
    "Training",
    "Training figures",
    "training-figures",
    rule="training.use_figures_as_lead",
    order=59,
)
# Trustees find theirs beside the trust overview: one more top-level menu would not fit
# their navigation bar.
menu_entry(
    "Trust overview",
    "Training figures",
    "training-figures",
    rule="training.use_figures_as_trustee",
    order=91,
)
menu_entry(
    "Trust overview", "My training", "training-mine", rule="training.use_as_trustee", order=92
)
menu_entry(
    "Training",
    "Sessions for parents",
    "training-parent-invitations",
    rule="training.view_parent_sessions",
    order=60,
)
