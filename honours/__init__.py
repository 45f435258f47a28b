"""Learning stars (百姓学习之星) and brand projects (学习品牌): yearly rounds, nominations, review, 公示, awards."""
