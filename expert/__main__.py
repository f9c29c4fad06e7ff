from expert.entry import main

main()
