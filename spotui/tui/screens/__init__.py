"""The app's screens: the sign-in wizard, the main screen, the device picker."""
