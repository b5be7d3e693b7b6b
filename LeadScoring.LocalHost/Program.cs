using LeadScoring.LocalHost;

return await LocalFunctionsHost.RunAsync(args);
