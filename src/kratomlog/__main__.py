from kratomlog.cli import main

main()
