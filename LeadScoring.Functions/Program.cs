using LeadScoring.Functions.Hosting;
using Microsoft.Azure.Functions.Worker.Builder;

// The Azure Functions isolated worker. Where the Functions host cannot run, LeadScoring.LocalHost runs these functions.
var builder = FunctionsApplication.CreateBuilder(args);
builder.ConfigureFunctionsWebApplication();
builder.AddLeadScoringApp();
builder.Build().Run();
