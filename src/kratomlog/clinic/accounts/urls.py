urlpatterns: list = []  # sign-in, set-up, invitations and Sharing pages
