using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;

namespace LeadScoring.Tests.Deployment;

/// <summary>
/// infra/main.bicep and main.bicepparam compiled once per test run by the real Bicep CLI, with every template linted,
/// and helpers to read the ARM JSON the way a deployment would resolve it.
/// </summary>
/// <param name="TemplateJson">main.json as text (for "does a secret appear anywhere").</param>
/// <param name="Parameters">The parameters main.bicepparam gives (build-params).</param>
/// <param name="Build">bicep build-params main.bicepparam: compiles main.bicep (and its modules) and the parameters.</param>
internal sealed partial record CompiledTemplates(
    BicepCli.Result Build, BicepCli.Result Lint, string TemplateJson, JsonObject Template, JsonObject Parameters, IReadOnlyList<string> BicepFiles)
{
    /// <summary>Stand-ins for the secrets main.bicepparam reads from the environment; they must never reach the template.</summary>
    public static IReadOnlyDictionary<string, string> FakeSecrets { get; } = new Dictionary<string, string>
    {
        ["HUBSPOT_ACCESS_TOKEN"] = "pat-na1-fake-access-token-7d1c9e",
        ["HUBSPOT_CLIENT_SECRET"] = "fake-client-secret-4b2a81",
        ["LEAD_SCORE_API_KEYS"] = "Admin=fake-admin-key-0123456789",
    };

    /// <summary>The module with the Flex Consumption plan and the function app (main.bicep's <c>name:</c>).</summary>
    public const string SiteModule = "functionapp";

    /// <summary>The module with the function app's <c>appsettings</c> config resource.</summary>
    public const string SettingsModule = "functionapp-settings";

    private static readonly JsonSerializerOptions Relaxed = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    private static readonly Lazy<Task<CompiledTemplates>> Instance = new(CompileAsync);

    public static Task<CompiledTemplates> GetAsync() => Instance.Value;

    /// <summary>JSON text as in main.json: ARM expressions readable (ToJsonString alone escapes their quotes).</summary>
    public static string Text(JsonNode? node) => node?.ToJsonString(Relaxed) ?? "";

    /// <summary>A module's deployment resource in main.json (name as in main.bicep's <c>name:</c>).</summary>
    public JsonObject Module(string name) =>
        Template["resources"]!.AsArray().Select(r => r!.AsObject()).SingleOrDefault(r => (string?)r["type"] == "Microsoft.Resources/deployments" && (string?)r["name"] == name)
        ?? throw new AssertionException($"main.json has no module deployment named '{name}'");

    public JsonObject ModuleTemplate(string name) => Module(name)["properties"]!["template"]!.AsObject();

    public IEnumerable<JsonObject> Modules() =>
        Template["resources"]!.AsArray().Select(r => r!.AsObject()).Where(r => (string?)r["type"] == "Microsoft.Resources/deployments");

    /// <summary>The resources of one type inside a module.</summary>
    public static IEnumerable<JsonObject> Resources(JsonObject moduleTemplate, string type) =>
        moduleTemplate["resources"]!.AsArray().Select(r => r!.AsObject()).Where(r => string.Equals((string?)r["type"], type, StringComparison.OrdinalIgnoreCase));

    /// <summary>
    /// The value a module parameter gets, as far as it can be known before deploying: a literal, a main.bicep parameter's
    /// value from main.bicepparam (or its default), a main.bicep variable; null when it is a run-time value (another
    /// module's output).
    /// </summary>
    public JsonNode? ResolveModuleParameter(string module, string parameter)
    {
        var given = Module(module)["properties"]!["parameters"]![parameter]?["value"]
            ?? throw new AssertionException($"module '{module}' is not given parameter '{parameter}'");
        return ResolveMain(given);
    }

    /// <summary>An expression of main.json resolved as in <see cref="ResolveModuleParameter"/>.</summary>
    public JsonNode? ResolveMain(JsonNode? value)
    {
        if (value is not JsonValue || value.GetValueKind() != System.Text.Json.JsonValueKind.String || !((string)value!).StartsWith('['))
        {
            return value;
        }

        var expression = (string)value!;
        if (MainParameter().Match(expression) is { Success: true } p)
        {
            var name = p.Groups[1].Value;
            return Parameters[name]?["value"]?.DeepClone() ?? Template["parameters"]![name]!["defaultValue"]?.DeepClone();
        }

        return MainVariable().Match(expression) is { Success: true } v ? Template["variables"]![v.Groups[1].Value]?.DeepClone() : null;
    }

    /// <summary>True when the expression is the named output of the named module (a run-time value).</summary>
    public static bool IsModuleOutput(JsonNode? value, string module, string output) =>
        value is not null && ((string?)value ?? "") is var text && text.Contains($"'{module}'", StringComparison.Ordinal) && text.EndsWith($".outputs.{output}.value]", StringComparison.Ordinal);

    /// <summary>The function app resource (<c>Microsoft.Web/sites</c>) in <see cref="SiteModule"/>.</summary>
    public JsonObject Site() => Resources(ModuleTemplate(SiteModule), "Microsoft.Web/sites").Single();

    /// <summary>
    /// The function app's settings for one HubSpot authentication mode, in template order, as the settings module builds
    /// them: <c>union(common, hubSpotAuth == 'oauth' ? oauth : privateApp)</c> of its variables. Any other shape fails,
    /// so the tests are rewritten with the template.
    /// </summary>
    public IReadOnlyList<KeyValuePair<string, JsonNode?>> AppSettings(string mode)
    {
        var template = ModuleTemplate(SettingsModule);
        var config = Resources(template, "Microsoft.Web/sites/config").SingleOrDefault()
            ?? throw new AssertionException($"module '{SettingsModule}' has no Microsoft.Web/sites/config resource");
        if ((string?)config["name"] != "[format('{0}/{1}', parameters('siteName'), 'appsettings')]")
        {
            throw new AssertionException($"the config resource is not the site's appsettings: {config["name"]}");
        }

        var match = ModeUnion().Match((string?)config["properties"] ?? "");
        if (!match.Success)
        {
            throw new AssertionException($"unexpected shape of the app settings: {Text(config["properties"])}");
        }

        var variables = template["variables"]!;
        var chosen = mode == "oauth" ? match.Groups["oauth"].Value : match.Groups["private"].Value;
        return [.. variables[match.Groups["common"].Value]!.AsObject().Concat(variables[chosen]!.AsObject()).Select(p => KeyValuePair.Create(p.Key, p.Value))];
    }

    /// <summary>The module output a module parameter is given (<c>reference(…'module'…).outputs.NAME.value</c>), or null.</summary>
    public string? OutputGivenTo(string module, string parameter, string fromModule)
    {
        var given = (string?)Module(module)["properties"]!["parameters"]![parameter]?["value"] ?? "";
        var match = ModuleOutput().Match(given);
        return match.Success && match.Groups["module"].Value == fromModule ? match.Groups["output"].Value : null;
    }

    /// <summary>
    /// A key vault module output as it is for one HubSpot mode: a literal, or
    /// <c>if(equals(parameters('hubSpotAuth'), 'MODE'), 'name', '')</c>.
    /// </summary>
    public string VaultOutput(string output, string mode)
    {
        var value = (string?)ModuleTemplate("keyvault")["outputs"]![output]?["value"] ?? throw new AssertionException($"the keyvault module has no output '{output}'");
        if (!value.StartsWith('['))
        {
            return value;
        }

        var match = ModeIf().Match(value);
        return match.Success ? (match.Groups["mode"].Value == mode ? match.Groups["then"].Value : match.Groups["else"].Value) : throw new AssertionException($"unexpected shape of keyvault output {output}: {value}");
    }

    /// <summary>The names of the secrets the vault module creates when deployed in one HubSpot mode.</summary>
    public IReadOnlyList<string> VaultSecrets(string mode) =>
    [
        .. Resources(ModuleTemplate("keyvault"), "Microsoft.KeyVault/vaults/secrets")
            .Where(s => s["condition"] is null || (string?)s["condition"] == $"[equals(parameters('hubSpotAuth'), '{mode}')]")
            .Select(s => SecretName().Match((string?)s["name"] ?? "") is { Success: true } m ? m.Groups[1].Value : throw new AssertionException($"unexpected secret name {s["name"]}")),
    ];

    private static async Task<CompiledTemplates> CompileAsync()
    {
        var files = Directory.GetFiles(BicepCli.InfraFolder, "*.bicep", SearchOption.AllDirectories).Order(StringComparer.Ordinal).ToList();

        // Two processes at once, each mostly start-up time. build-params compiles the template it points to as well; the
        // lint pattern covers main.bicepparam too.
        var build = BicepCli.RunAsync(FakeSecrets, "build-params", "main.bicepparam", "--stdout");
        var lint = BicepCli.RunAsync(FakeSecrets, "lint", "--pattern", "**/*.bicep*");
        await Task.WhenAll(build, lint);

        var compiled = (await build).ExitCode == 0 ? JsonNode.Parse((await build).StandardOutput) : null;
        var templateJson = (string?)compiled?["templateJson"] ?? "{}";
        var parameters = compiled?["parametersJson"] is { } given ? JsonNode.Parse((string)given!)!["parameters"]!.AsObject() : [];
        return new CompiledTemplates(await build, await lint, templateJson, JsonNode.Parse(templateJson)!.AsObject(), parameters, files);
    }

    [GeneratedRegex(@"^\[parameters\('([A-Za-z0-9_]+)'\)\]$")]
    private static partial Regex MainParameter();

    [GeneratedRegex(@"^\[variables\('([A-Za-z0-9_]+)'\)\]$")]
    private static partial Regex MainVariable();

    [GeneratedRegex(@"^\[union\(variables\('(?<common>\w+)'\), if\(equals\(parameters\('hubSpotAuth'\), 'oauth'\), variables\('(?<oauth>\w+)'\), variables\('(?<private>\w+)'\)\)\)\]$")]
    private static partial Regex ModeUnion();

    [GeneratedRegex(@"^\[reference\(resourceId\('Microsoft\.Resources/deployments', '(?<module>[\w-]+)'\), '[\w-]+'\)\.outputs\.(?<output>\w+)\.value\]$")]
    private static partial Regex ModuleOutput();

    [GeneratedRegex(@"^\[if\(equals\(parameters\('hubSpotAuth'\), '(?<mode>\w+)'\), '(?<then>[^']*)', '(?<else>[^']*)'\)\]$")]
    private static partial Regex ModeIf();

    [GeneratedRegex(@"^\[format\('\{0\}/\{1\}', parameters\('name'\), '([^']+)'\)\]$")]
    private static partial Regex SecretName();
}
