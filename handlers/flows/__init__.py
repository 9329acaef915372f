"""What happens when someone acts: storage changes and the messages that follow, shared by the
commands, buttons, modals and scheduled jobs that start them."""
