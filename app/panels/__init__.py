"""The dock panels around the map: Lagen, Criteria, Locaties, Locatie, Bod and Meldingen.

Every panel reads from :class:`app.controller.ProjectController` and listens to its signals;
it changes things only through the controller's methods (or, for the Lagen panel, through the
map's layer contract).
"""

from __future__ import annotations
