"""Study circles (学习团队) residents form and join: members, meetings, activity, yearly assessment."""
