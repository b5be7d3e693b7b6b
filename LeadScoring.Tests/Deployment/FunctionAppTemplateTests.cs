using System.Text.Json;
using System.Text.Json.Nodes;
using System.Xml.Linq;
using LeadScoring.Core.Storage;
using LeadScoring.Tests.Infrastructure;

namespace LeadScoring.Tests.Deployment;

/// <summary>
/// What the Functions platform needs from the template, checked in the compiled ARM JSON and against the Functions
/// project: Flex Consumption, the isolated worker on the project's .NET version, identity-only storage (host, queue
/// trigger, Durable task hub, deployment package), the webhook URL HubSpot signs, no publishing backdoors.
/// </summary>
[TestFixture]
public sealed class FunctionAppTemplateTests
{
    private const string Settings = CompiledTemplates.SettingsModule;
    private const string Site = CompiledTemplates.SiteModule;

    /// <summary>
    /// Settings Flex Consumption rejects or ignores: the runtime and its version are functionAppConfig.runtime, the package
    /// is functionAppConfig.deployment, there is no content file share, no remote build, and the storage connection is
    /// identity-based.
    /// </summary>
    private static readonly string[] NotOnFlexConsumption =
    [
        "FUNCTIONS_WORKER_RUNTIME", "FUNCTIONS_WORKER_RUNTIME_VERSION", "FUNCTIONS_EXTENSION_VERSION", "WEBSITE_RUN_FROM_PACKAGE",
        "WEBSITE_CONTENTSHARE", "WEBSITE_CONTENTAZUREFILECONNECTIONSTRING", "WEBSITE_NODE_DEFAULT_VERSION", "WEBSITE_MAX_DYNAMIC_APPLICATION_SCALE_OUT",
        "WEBSITE_USE_PLACEHOLDER_DOTNETISOLATED", "SCM_DO_BUILD_DURING_DEPLOYMENT", "ENABLE_ORYX_BUILD", "AzureWebJobsDashboard", "AzureWebJobsStorage",
    ];

    private static readonly JsonDocumentOptions HostJsonOptions = new() { CommentHandling = JsonCommentHandling.Skip, AllowTrailingCommas = true };

    public static IEnumerable<string> Modes => DeploymentDriftTests.Modes;

    [Test]
    public async Task Plan_IsFlexConsumption_AndTheFunctionAppRunsOnIt()
    {
        var compiled = await DeploymentDriftTests.CompiledAsync();
        var plan = CompiledTemplates.Resources(compiled.ModuleTemplate(Site), "Microsoft.Web/serverfarms").Single();
        var site = compiled.Site();

        using (Assert.EnterMultipleScope())
        {
            Assert.That((string?)plan["sku"]!["name"], Is.EqualTo("FC1"));
            Assert.That((string?)plan["sku"]!["tier"], Is.EqualTo("FlexConsumption"));
            Assert.That((bool?)plan["properties"]!["reserved"], Is.True, "Flex Consumption is Linux only");
            Assert.That((string?)site["kind"], Is.EqualTo("functionapp,linux"));
            Assert.That((string?)site["properties"]!["serverFarmId"], Is.EqualTo($"[resourceId('Microsoft.Web/serverfarms', {((string?)plan["name"])![1..^1]})]"));
            Assert.That(site["properties"]!["siteConfig"]!["linuxFxVersion"], Is.Null, "Flex Consumption takes the stack from functionAppConfig.runtime");
            Assert.That(site["properties"]!["siteConfig"]!["alwaysOn"], Is.Null, "Flex Consumption has no Always On");
        }
    }

    [Test]
    public async Task Runtime_IsTheIsolatedWorkerOnTheFunctionsProjectsDotNetVersion()
    {
        var compiled = await DeploymentDriftTests.CompiledAsync();
        var runtime = compiled.Site()["properties"]!["functionAppConfig"]!["runtime"]!;
        var root = Repository.Root();
        var project = XDocument.Load(Path.Combine(root, "LeadScoring.Functions", "LeadScoring.Functions.csproj"));
        var targetFramework = Property(project, "TargetFramework") ?? Property(XDocument.Load(Path.Combine(root, "Directory.Build.props")), "TargetFramework");

        using (Assert.EnterMultipleScope())
        {
            Assert.That((string?)runtime["name"], Is.EqualTo("[parameters('runtimeName')]"));
            Assert.That((string?)compiled.ResolveModuleParameter(Site, "runtimeName"), Is.EqualTo("dotnet-isolated"));
            Assert.That((string?)runtime["version"], Is.EqualTo("[parameters('runtimeVersion')]"));
            Assert.That(targetFramework, Does.Match(@"^net\d+\.\d+$"), "LeadScoring.Functions should target one .NET version");
            Assert.That("net" + (string?)compiled.ResolveModuleParameter(Site, "runtimeVersion"), Is.EqualTo(targetFramework), "functionAppConfig.runtime.version is the project's TargetFramework");

            // Flex Consumption runs .NET only on the isolated worker: a v4 executable, not the in-process SDK.
            Assert.That(Property(project, "AzureFunctionsVersion"), Is.EqualTo("v4"));
            Assert.That(Property(project, "OutputType"), Is.EqualTo("Exe"));
            Assert.That(project.Descendants("PackageReference").Select(p => (string?)p.Attribute("Include")), Has.None.EqualTo("Microsoft.NET.Sdk.Functions"), "the in-process model does not run on Flex Consumption");
        }
    }

    [Test]
    public async Task ScaleAndConcurrency_ComeFromTheParameters_WithinFlexConsumptionsLimits()
    {
        var compiled = await DeploymentDriftTests.CompiledAsync();
        var scale = compiled.Site()["properties"]!["functionAppConfig"]!["scaleAndConcurrency"]!;
        var main = compiled.Template["parameters"]!;

        using (Assert.EnterMultipleScope())
        {
            Assert.That((string?)scale["maximumInstanceCount"], Is.EqualTo("[parameters('maximumInstanceCount')]"));
            Assert.That((string?)scale["instanceMemoryMB"], Is.EqualTo("[parameters('instanceMemoryMB')]"));
            Assert.That((int?)compiled.ResolveModuleParameter(Site, "maximumInstanceCount"), Is.InRange(1, 1000));
            Assert.That((int?)compiled.ResolveModuleParameter(Site, "instanceMemoryMB"), Is.AnyOf(512, 2048, 4096));

            // The plan's limits are in main.bicep's parameter definitions, so a bad value fails before Azure is asked.
            Assert.That((int?)main["maximumInstanceCount"]!["minValue"], Is.EqualTo(1));
            Assert.That((int?)main["maximumInstanceCount"]!["maxValue"], Is.EqualTo(1000));
            Assert.That(main["instanceMemoryMB"]!["allowedValues"]!.AsArray().Select(v => (int?)v), Is.EquivalentTo(new int?[] { 512, 2048, 4096 }));
        }
    }

    [TestCaseSource(nameof(Modes))]
    public async Task AppSettings_HaveNoneThatFlexConsumptionRejects(string mode)
    {
        var names = (await DeploymentDriftTests.SettingsAsync(mode)).Select(s => s.Key).ToList();

        using (Assert.EnterMultipleScope())
        {
            Assert.That(names.Intersect(NotOnFlexConsumption, StringComparer.OrdinalIgnoreCase), Is.Empty);
            Assert.That(DeploymentDriftTests.Platform.Keys.Intersect(NotOnFlexConsumption, StringComparer.OrdinalIgnoreCase), Is.Empty, "listed as a platform setting, but Flex Consumption rejects it");
        }
    }

    [TestCaseSource(nameof(Modes))]
    public async Task Storage_IsIdentityBased_WithNoConnectionStringOrKeyAnywhere(string mode)
    {
        var compiled = await DeploymentDriftTests.CompiledAsync();
        var settings = (await DeploymentDriftTests.SettingsAsync(mode)).ToDictionary(s => s.Key, s => (string?)s.Value);
        var account = CompiledTemplates.Resources(compiled.ModuleTemplate("storage"), "Microsoft.Storage/storageAccounts").Single();

        using (Assert.EnterMultipleScope())
        {
            Assert.That((bool?)account["properties"]!["allowSharedKeyAccess"], Is.False, "the account must refuse shared keys");
            foreach (var leak in new[] { "listKeys(", "listAccountSas(", "listServiceSas(", "listConnectionStrings(", "AccountKey=", "DefaultEndpointsProtocol=", "SharedAccessSignature=" })
            {
                Assert.That(compiled.TemplateJson, Does.Not.Contain(leak).IgnoreCase, "a storage key or connection string in the template");
            }

            Assert.That(settings.Keys, Has.None.EqualTo("AzureWebJobsStorage"), "a connection string would win over the identity-based settings");
            Assert.That(settings["AzureWebJobsStorage__credential"], Is.EqualTo("managedidentity"));
            Assert.That(settings["AzureWebJobsStorage__clientId"], Is.EqualTo("[parameters('identityClientId')]"));
            Assert.That(compiled.OutputGivenTo(Settings, "identityClientId", "identity"), Is.EqualTo("clientId"));
            Assert.That(settings["AzureWebJobsStorage__accountName"], Is.EqualTo("[parameters('storageAccountName')]"));
            Assert.That(compiled.OutputGivenTo(Settings, "storageAccountName", "storage"), Is.EqualTo("name"));
            foreach (var (service, parameter) in new[] { ("queue", "queueEndpoint"), ("table", "tableEndpoint"), ("blob", "blobEndpoint") })
            {
                Assert.That(settings[$"AzureWebJobsStorage__{service}ServiceUri"], Is.EqualTo($"[parameters('{parameter}')]"));
                Assert.That(compiled.OutputGivenTo(Settings, parameter, "storage"), Is.EqualTo(parameter), $"{service} endpoint of this deployment's account");
            }

            // The deployment package: a private container of the same account, read with the identity.
            var deployment = compiled.Site()["properties"]!["functionAppConfig"]!["deployment"]!["storage"]!;
            Assert.That((string?)deployment["type"], Is.EqualTo("blobContainer"));
            Assert.That((string?)deployment["value"], Is.EqualTo("[format('{0}{1}', parameters('blobEndpoint'), parameters('deploymentContainerName'))]"));
            Assert.That(compiled.OutputGivenTo(Site, "blobEndpoint", "storage"), Is.EqualTo("blobEndpoint"));
            Assert.That(compiled.OutputGivenTo(Site, "deploymentContainerName", "storage"), Is.EqualTo("deploymentContainerName"));
            Assert.That((string?)deployment["authentication"]!["type"], Is.EqualTo("UserAssignedIdentity"));
            Assert.That((string?)deployment["authentication"]!["userAssignedIdentityResourceId"], Is.EqualTo("[parameters('identityId')]"));
            Assert.That(deployment["authentication"]!["storageAccountConnectionStringName"], Is.Null);
            var container = CompiledTemplates.Resources(compiled.ModuleTemplate("storage"), "Microsoft.Storage/storageAccounts/blobServices/containers").Single();
            Assert.That((string?)container["name"], Does.EndWith("parameters('deploymentContainerName'))]"));
            Assert.That((string?)container["properties"]!["publicAccess"], Is.EqualTo("None"));
        }
    }

    [Test]
    public async Task DurableTaskHub_AzureWebJobsStoragesIdentity_HoldsBlobQueueAndTableDataRolesOnThatAccount()
    {
        var compiled = await DeploymentDriftTests.CompiledAsync();
        var granted = DeploymentDriftTests.GrantedRoles(compiled);
        var durable = HostJson()["extensions"]?["durableTask"];
        var provider = durable?["storageProvider"];
        var settings = (await DeploymentDriftTests.SettingsAsync("privateApp")).Select(s => s.Key).ToList();

        using (Assert.EnterMultipleScope())
        {
            // The task hub (control and work-item queues, History and Instances tables, lease and payload blobs) lives
            // in AzureWebJobsStorage; the roles go to the identity those settings name, on the account they name.
            Assert.That(granted["Microsoft.Storage/storageAccounts"], Is.SupersetOf(new[] { DeploymentDriftTests.BlobDataOwner, DeploymentDriftTests.QueueDataContributor, DeploymentDriftTests.TableDataContributor }));
            Assert.That(compiled.OutputGivenTo(Settings, "storageAccountName", "storage"), Is.EqualTo("name"));
            Assert.That(CompiledTemplates.IsModuleOutput(compiled.Module("storage")["properties"]!["parameters"]!["principalId"]!["value"], "identity", "principalId"), Is.True);
            Assert.That(compiled.OutputGivenTo(Settings, "identityClientId", "identity"), Is.EqualTo("clientId"));

            // host.json may move the task hub to another connection or name it from a setting: then that must be deployed.
            var connection = (string?)provider?["connectionName"] ?? (string?)provider?["connectionStringName"] ?? "AzureWebJobsStorage";
            Assert.That(connection, Is.EqualTo("AzureWebJobsStorage"), "the template gives the task hub's storage roles only on AzureWebJobsStorage's account");
            if (((string?)durable?["hubName"])?.Trim('%') is { } hub && ((string?)durable?["hubName"])!.StartsWith('%'))
            {
                Assert.That(settings, Does.Contain(hub), $"host.json names the task hub from %{hub}%, which is not deployed");
            }
        }
    }

    [Test]
    public async Task WebhookUrl_IsTheFunctionAppsOwnHostNameAndTheWebhooksRoute()
    {
        var compiled = await DeploymentDriftTests.CompiledAsync();
        var settings = (await DeploymentDriftTests.SettingsAsync("privateApp")).ToDictionary(s => s.Key, s => (string?)s.Value);
        var siteOutputs = compiled.ModuleTemplate(Site)["outputs"]!;

        // The webhook's path is the product's contract (docs/deploy.md, HubSpot's app settings); host.json's routePrefix
        // and the function's Route together must make it, however they split it.
        const string path = "api/hubspot/webhooks";
        var routePrefix = ((string?)HostJson()["extensions"]?["http"]?["routePrefix"] ?? "api").Trim('/');
        var route = routePrefix.Length == 0 ? path : path.StartsWith(routePrefix + "/", StringComparison.Ordinal) ? path[(routePrefix.Length + 1)..] : null;
        var functions = Directory.GetFiles(Path.Combine(Repository.Root(), "LeadScoring.Functions"), "*.cs", SearchOption.AllDirectories)
            .Where(f => !f.Contains($"{Path.DirectorySeparatorChar}obj{Path.DirectorySeparatorChar}", StringComparison.Ordinal) && !f.Contains($"{Path.DirectorySeparatorChar}bin{Path.DirectorySeparatorChar}", StringComparison.Ordinal));

        using (Assert.EnterMultipleScope())
        {
            Assert.That(settings["HUBSPOT_WEBHOOK_URL"], Is.EqualTo($"[format('https://{{0}}/{path}', parameters('defaultHostName'))]"), "HubSpot signs this URL: it must be where the webhook function listens");
            Assert.That(compiled.OutputGivenTo(Settings, "defaultHostName", Site), Is.EqualTo("defaultHostName"));
            Assert.That((string?)siteOutputs["defaultHostName"]!["value"], Does.Match(@"^\[reference\(resourceId\('Microsoft\.Web/sites', parameters\('name'\)\), '[\d-]+'\)\.defaultHostName\]$"));

            // The settings go to that same site.
            Assert.That(compiled.OutputGivenTo(Settings, "siteName", Site), Is.EqualTo("name"));
            Assert.That((string?)siteOutputs["name"]!["value"], Is.EqualTo("[parameters('name')]"));
            Assert.That((string?)compiled.Template["outputs"]!["hubSpotWebhookUrl"]!["value"], Does.Contain($"https://{{0}}/{path}").And.Contain($"'{Site}'").And.Contain(".outputs.defaultHostName.value"));

            Assert.That(route, Is.Not.Null, $"host.json's routePrefix '{routePrefix}' moves every function away from /{path}");
            Assert.That(functions.Any(f => route is not null && File.ReadAllText(f).Contains(route, StringComparison.Ordinal)), Is.True, $"no function in LeadScoring.Functions has the route {route} (under routePrefix '{routePrefix}')");
        }
    }

    [Test]
    public async Task Site_IsHttpsOnly_WithFtpAndBasicPublishingCredentialsOff()
    {
        var compiled = await DeploymentDriftTests.CompiledAsync();
        var site = compiled.Site()["properties"]!;
        var policies = CompiledTemplates.Resources(compiled.ModuleTemplate(Site), "Microsoft.Web/sites/basicPublishingCredentialsPolicies").ToList();

        using (Assert.EnterMultipleScope())
        {
            Assert.That((bool?)site["httpsOnly"], Is.True);
            Assert.That((string?)site["siteConfig"]!["ftpsState"], Is.EqualTo("Disabled"));
            Assert.That((string?)site["siteConfig"]!["minTlsVersion"], Is.EqualTo("1.2"));
            Assert.That((string?)site["siteConfig"]!["scmMinTlsVersion"], Is.EqualTo("1.2"));
            Assert.That(policies.Select(p => (string?)p["name"]), Is.EquivalentTo(new[] { "[format('{0}/{1}', parameters('name'), 'ftp')]", "[format('{0}/{1}', parameters('name'), 'scm')]" }));
            Assert.That(policies.Select(p => (bool?)p["properties"]!["allow"]), Is.All.False);
        }
    }

    [Test]
    public async Task Queues_AreTheQueueTriggersQueueAndItsPoisonQueue()
    {
        var compiled = await DeploymentDriftTests.CompiledAsync();
        var names = new StorageNames();
        var queues = CompiledTemplates.Resources(compiled.ModuleTemplate("storage"), "Microsoft.Storage/storageAccounts/queueServices/queues").Select(q => (string?)q["name"]).ToList();

        using (Assert.EnterMultipleScope())
        {
            Assert.That((string?)compiled.ResolveModuleParameter("storage", "scoreQueueName"), Is.EqualTo(names.ScoreRequests));
            Assert.That(names.ScoreRequestsPoison, Is.EqualTo(names.ScoreRequests + "-poison"), "the Functions queue trigger moves failed messages to QUEUE-poison");

            // Batch work is a Durable orchestration now: no batch lane queue.
            Assert.That(queues, Is.EquivalentTo(new[]
            {
                "[format('{0}/{1}/{2}', parameters('name'), 'default', parameters('scoreQueueName'))]",
                "[format('{0}/{1}/{2}', parameters('name'), 'default', format('{0}-poison', parameters('scoreQueueName')))]",
            }));
        }
    }

    [Test]
    public async Task Outputs_NameTheAppItsHostTheWebhookAndThePackageContainer()
    {
        var compiled = await DeploymentDriftTests.CompiledAsync();

        Assert.That(compiled.Template["outputs"]!.AsObject().Select(o => o.Key), Is.SupersetOf(new[] { "functionAppName", "functionAppHostName", "hubSpotWebhookUrl", "deploymentContainer" }));
    }

    private static string? Property(XDocument project, string name) => project.Descendants(name).Select(e => e.Value.Trim()).FirstOrDefault(v => v.Length > 0);

    private static JsonNode HostJson() =>
        JsonNode.Parse(File.ReadAllText(Path.Combine(Repository.Root(), "host.json")), documentOptions: HostJsonOptions)!;
}
