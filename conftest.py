# The live suites (Tests/live, Plugins/*/live; pytest.ini) share one test kit,
# Tests/testkit/reeltest: its fixtures reach every suite from here.
pytest_plugins = ("reeltest.fixtures",)
