Console.Error.WriteLine("LeadScoring.LocalHost: not yet wired.");
return 1;
