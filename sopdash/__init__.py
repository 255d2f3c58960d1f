"""sopdash: a terminal dashboard for running a help-desk queue by the Support Engagement SOP."""

__version__ = "0.1.0"
