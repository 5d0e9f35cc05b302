print("emotive: under construction")
