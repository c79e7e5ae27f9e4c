"""Dialogs of the app: new project, reserve, conflict, server, errors."""
