using System.Text.Json;
using LeadScoring.LocalHost;
using LeadScoring.Tests.Host;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace LeadScoring.Tests.LocalHost;

/// <summary>
/// The Worker SDK writes functions.metadata at build — what the Azure Functions host indexes. The local host must serve
/// every function in it the same way: each HTTP function at the same route (under host.json's routePrefix) and
/// methods, each queue trigger on the same queue, each timer on the same schedule, each orchestrator and activity
/// under the same name — and nothing the metadata does not list.
/// </summary>
[TestFixture]
internal sealed class FunctionsMetadataContractTests : HostFixture
{
    private static List<MetadataFunction> _metadata = null!;

    [OneTimeSetUp]
    public void ReadFunctionsMetadata() => _metadata = ReadMetadata(Path.Combine(AppContext.BaseDirectory, "functions.metadata"));

    [Test]
    public void Metadata_ListsTheProductsFunctions()
    {
        Assert.That(_metadata.Select(f => f.Name), Is.SupersetOf(new[] { "HubSpotWebhook", "ScoreRequests", "BatchRescoreTimer", "ScoreLeads", "ScoreContacts", "BatchRescore", "Retrain" }));
        Assert.That(_metadata.Select(f => f.Trigger).Distinct(), Is.EquivalentTo(new[] { "httpTrigger", "queueTrigger", "timerTrigger", "orchestrationTrigger", "activityTrigger" }));
    }

    [Test]
    public void EveryHttpFunction_IsServedAtItsRouteAndMethods()
    {
        var prefix = HostJsonRoutePrefix();
        var served = Host.Services.GetRequiredService<EndpointDataSource>().Endpoints.OfType<RouteEndpoint>()
            .Where(e => e.Metadata.GetMetadata<IEndpointNameMetadata>() is not null)
            .ToDictionary(e => e.Metadata.GetMetadata<IEndpointNameMetadata>()!.EndpointName, StringComparer.Ordinal);
        var http = _metadata.Where(f => f.Trigger == "httpTrigger").ToList();
        using (Assert.EnterMultipleScope())
        {
            foreach (var function in http)
            {
                Assert.That(served.TryGetValue(function.Name, out var endpoint), Is.True, $"{function.Name} is not served");
                if (endpoint is null)
                {
                    continue;
                }

                Assert.That(endpoint.RoutePattern.RawText!.Trim('/'), Is.EqualTo(string.Join('/', new[] { prefix, function.Route! }.Where(p => p.Length > 0))), function.Name);
                Assert.That(endpoint.Metadata.GetMetadata<HttpMethodMetadata>()!.HttpMethods.Select(m => m.ToLowerInvariant()), Is.EquivalentTo(function.Methods), function.Name);
                Assert.That(function.AuthLevel, Is.EqualTo("Anonymous"), $"{function.Name}: the app checks callers itself");
            }

            Assert.That(served.Keys, Is.EquivalentTo(http.Select(f => f.Name)), "the local host serves no HTTP function the metadata does not list");
        }
    }

    [Test]
    public void EveryQueueTrigger_IsListenedToOnItsQueue()
    {
        var listeners = Host.Services.GetServices<IHostedService>().OfType<QueueTriggerListener>().ToList();
        var prefix = Host.Services.GetRequiredService<LeadScoring.Core.Storage.StorageNames>().Prefix;
        Assert.That(
            listeners.Select(l => (l.Function.Name, Queue: l.QueueName[prefix.Length..])),
            Is.EquivalentTo(_metadata.Where(f => f.Trigger == "queueTrigger").Select(f => (f.Name, Queue: f.QueueName!))));
    }

    [Test]
    public void EveryTimer_RunsOnItsSchedule()
    {
        var timers = Host.Services.GetServices<IHostedService>().OfType<TimerTriggerScheduler>().ToList();
        var from = new DateTime(2026, 12, 4, 10, 0, 30, DateTimeKind.Utc);
        Assert.That(
            timers.Select(t => (t.Function.Name, Next: t.Schedule.GetNextOccurrence(from))),
            Is.EquivalentTo(_metadata.Where(f => f.Trigger == "timerTrigger").Select(f => (f.Name, Next: TimerTriggerScheduler.Parse(f.Name, f.Schedule!, new Microsoft.Extensions.Configuration.ConfigurationBuilder().Build()).GetNextOccurrence(from)))));
        Assert.That(_metadata.Where(f => f.Trigger == "timerTrigger").Select(f => f.Schedule), Is.All.Matches(@"^\S+( \S+){5}$").And.All.Not.Contains(":"), "six-field cron, not a TimeSpan, as a Flex Consumption plan requires");
    }

    [Test]
    public void EveryOrchestratorAndActivity_IsRegisteredWithTheDurableWorker()
    {
        var durable = Host.Services.GetRequiredService<DurableRegistrations>();
        using (Assert.EnterMultipleScope())
        {
            Assert.That(durable.Orchestrators, Is.EquivalentTo(_metadata.Where(f => f.Trigger == "orchestrationTrigger").Select(f => f.Name)));
            Assert.That(durable.Activities, Is.EquivalentTo(_metadata.Where(f => f.Trigger == "activityTrigger").Select(f => f.Name)));
        }
    }

    [Test]
    public void EveryEntryPoint_IsTheMethodTheLocalHostCalls()
    {
        var catalog = Host.Services.GetRequiredService<FunctionCatalog>();
        Assert.That(
            catalog.Functions.Select(f => (f.Name, EntryPoint: $"{f.Method.DeclaringType!.FullName}.{f.Method.Name}")),
            Is.EquivalentTo(_metadata.Select(f => (f.Name, f.EntryPoint))));
    }

    private static string HostJsonRoutePrefix()
    {
        using var hostJson = JsonDocument.Parse(File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "host.json")));
        return hostJson.RootElement.GetProperty("extensions").GetProperty("http").GetProperty("routePrefix").GetString()!.Trim('/');
    }

    private static List<MetadataFunction> ReadMetadata(string path)
    {
        Assert.That(File.Exists(path), Is.True, $"{path}: the Worker SDK writes functions.metadata at build");
        using var document = JsonDocument.Parse(File.ReadAllText(path));
        return [.. document.RootElement.EnumerateArray().Select(f =>
        {
            var trigger = f.GetProperty("bindings").EnumerateArray().Single(b => b.GetProperty("type").GetString()!.EndsWith("Trigger", StringComparison.Ordinal));
            string? Text(string name) => trigger.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;
            return new MetadataFunction(
                f.GetProperty("name").GetString()!, f.GetProperty("entryPoint").GetString()!, trigger.GetProperty("type").GetString()!, Text("route"),
                trigger.TryGetProperty("methods", out var methods) ? [.. methods.EnumerateArray().Select(m => m.GetString()!.ToLowerInvariant())] : [],
                Text("authLevel"), Text("queueName"), Text("schedule"));
        })];
    }

    private sealed record MetadataFunction(string Name, string EntryPoint, string Trigger, string? Route, IReadOnlyList<string> Methods, string? AuthLevel, string? QueueName, string? Schedule);
}
