"""farmdash's terminal dashboard (Textual). Talks to the cloud only through `api`."""
