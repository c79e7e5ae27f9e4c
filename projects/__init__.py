"""The project: imported layers, plots, the bod ledger and reservations, and their storage."""
