"""Community events (社区活动): pages under a school, sign-up on enrolment's seats, attendance as hours,
iCalendar feeds."""
