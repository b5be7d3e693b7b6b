using LeadScoring.Functions.Hosting;

return await LeadScoringHost.RunAsync(args);
