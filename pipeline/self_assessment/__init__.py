"""The Housing Ombudsman Complaint Handling Code 2024 self-assessment, evidenced from the data."""
