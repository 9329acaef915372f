"""mentorbot: the Slack app that runs mentorship programs."""
