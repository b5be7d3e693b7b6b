using LeadScoring.Core.Settings;
using LeadScoring.Functions.Hosting;
using Microsoft.Azure.Functions.Worker.Builder;

// The Azure Functions isolated worker. Where the Functions host cannot run, LeadScoring.LocalHost runs these functions.
var builder = FunctionsApplication.CreateBuilder(args);
if (builder.Configuration[LeadScoringSettings.StoragePrefixName] is { Length: > 0 } prefix)
{
    // The queue trigger's queue is named in its attribute; a prefix would move our queues away from it.
    throw new InvalidOperationException(
        $"{LeadScoringSettings.StoragePrefixName} is '{prefix}': under the Functions host the queue trigger listens to 'score-requests', so leave it unset (it isolates tests in the local host).");
}

builder.ConfigureFunctionsWebApplication();

// Security headers on every HTTP function's response (the local host does the same with HttpHardening.UseSecurityHeaders).
builder.UseMiddleware<LeadScoring.Functions.Security.SecurityHeadersMiddleware>();
builder.AddLeadScoringApp();
builder.Build().Run();
