"""Community events (讲座、展演、志愿服务、送教下乡): pages under a school, sign-up on enrolment's seats, attendance as hours, iCalendar feeds."""
