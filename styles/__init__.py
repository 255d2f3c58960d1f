"""The dashboard's Textual stylesheets (.tcss), shipped as package data."""
