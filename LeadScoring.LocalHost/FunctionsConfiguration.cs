using System.Text.Json;

namespace LeadScoring.LocalHost;

/// <summary>
/// Reads host.json and local.settings.json the way the Functions host and Core Tools do: local.settings.json
/// <c>Values</c> become flat settings (environment variables still win), <c>Host.LocalHttpPort</c> picks the port,
/// host.json is visible under <c>AzureFunctionsJobHost</c> and its queue and Durable settings mean what they mean there.
/// </summary>
internal static class FunctionsConfiguration
{
    public const string HostJsonPrefix = "AzureFunctionsJobHost";
    public const int DefaultPort = 7071;

    /// <summary>The app root: AzureWebJobsScriptRoot if set (the Functions host's own setting), else the build output.</summary>
    public static string AppRoot(IReadOnlyDictionary<string, string?>? overrides = null)
    {
        var root = overrides?.GetValueOrDefault("AzureWebJobsScriptRoot") ?? Environment.GetEnvironmentVariable("AzureWebJobsScriptRoot");
        return string.IsNullOrWhiteSpace(root) ? AppContext.BaseDirectory : Path.GetFullPath(root);
    }

    /// <summary>Values of local.settings.json (absent file = none) plus its Host.LocalHttpPort.</summary>
    /// <exception cref="InvalidDataException">The file is malformed; the message names the file and the field.</exception>
    public static (Dictionary<string, string?> Values, int? Port) ReadLocalSettings(string path)
    {
        var values = new Dictionary<string, string?>(StringComparer.OrdinalIgnoreCase);
        if (!File.Exists(path))
        {
            return (values, null);
        }

        using var document = Parse(path);
        var root = document.RootElement;
        if (root.ValueKind != JsonValueKind.Object)
        {
            throw new InvalidDataException($"{path}: must be a JSON object with a \"Values\" object");
        }

        if (root.TryGetProperty("IsEncrypted", out var encrypted) && encrypted.ValueKind == JsonValueKind.True)
        {
            throw new InvalidDataException($"{path}: IsEncrypted is true; encrypted local settings are not supported here (set it to false)");
        }

        if (root.TryGetProperty("Values", out var settings))
        {
            if (settings.ValueKind != JsonValueKind.Object)
            {
                throw new InvalidDataException($"{path}: Values must be an object of \"NAME\": \"value\" strings");
            }

            foreach (var setting in settings.EnumerateObject())
            {
                if (setting.Value.ValueKind is not (JsonValueKind.String or JsonValueKind.Null))
                {
                    throw new InvalidDataException($"{path}: Values.{setting.Name} must be a string (quote it: \"{setting.Value.GetRawText()}\")");
                }

                // Same mapping as environment variables: A__B is the key A:B.
                values[setting.Name.Replace("__", ":", StringComparison.Ordinal)] = setting.Value.GetString();
            }
        }

        if (root.TryGetProperty("ConnectionStrings", out var connections) && connections.ValueKind == JsonValueKind.Object)
        {
            foreach (var connection in connections.EnumerateObject())
            {
                values[$"ConnectionStrings:{connection.Name}"] = connection.Value.ValueKind == JsonValueKind.String ? connection.Value.GetString() : null;
            }
        }

        int? port = null;
        if (root.TryGetProperty("Host", out var host) && host.ValueKind == JsonValueKind.Object && host.TryGetProperty("LocalHttpPort", out var p))
        {
            if (!p.TryGetInt32(out var value) || value is < 1 or > 65535)
            {
                throw new InvalidDataException($"{path}: Host.LocalHttpPort must be a port number 1–65535 (got {p.GetRawText()})");
            }

            port = value;
        }

        return (values, port);
    }

    /// <summary>host.json flattened under AzureFunctionsJobHost:…; absent file = defaults.</summary>
    /// <exception cref="InvalidDataException">host.json is malformed.</exception>
    public static Dictionary<string, string?> ReadHostJson(string path)
    {
        var values = new Dictionary<string, string?>(StringComparer.OrdinalIgnoreCase);
        if (!File.Exists(path))
        {
            return values;
        }

        using var document = Parse(path);
        if (document.RootElement.ValueKind != JsonValueKind.Object)
        {
            throw new InvalidDataException($"{path}: must be a JSON object");
        }

        if (document.RootElement.TryGetProperty("version", out var version) && version.GetString() != "2.0")
        {
            throw new InvalidDataException($"{path}: version must be \"2.0\" (got {version.GetRawText()})");
        }

        Flatten(document.RootElement, HostJsonPrefix, values);

        // host.json's logging.logLevel drives ASP.NET logging, as it drives the Functions host's.
        foreach (var (key, value) in values.ToList())
        {
            const string LogLevelPrefix = HostJsonPrefix + ":logging:logLevel:";
            if (key.StartsWith(LogLevelPrefix, StringComparison.OrdinalIgnoreCase))
            {
                var category = key[LogLevelPrefix.Length..];
                values[$"Logging:LogLevel:{(category.Equals("default", StringComparison.OrdinalIgnoreCase) ? "Default" : category)}"] = value;
            }
        }

        return values;
    }

    private static JsonDocument Parse(string path)
    {
        try
        {
            return JsonDocument.Parse(File.ReadAllText(path), new JsonDocumentOptions { CommentHandling = JsonCommentHandling.Skip, AllowTrailingCommas = true });
        }
        catch (JsonException ex)
        {
            throw new InvalidDataException($"{path}: not valid JSON (line {ex.LineNumber + 1}): {ex.Message.Split(" Path:")[0]}", ex);
        }
    }

    private static void Flatten(JsonElement element, string prefix, Dictionary<string, string?> values)
    {
        switch (element.ValueKind)
        {
            case JsonValueKind.Object:
                foreach (var property in element.EnumerateObject())
                {
                    Flatten(property.Value, $"{prefix}:{property.Name}", values);
                }

                break;
            case JsonValueKind.Array:
                var i = 0;
                foreach (var item in element.EnumerateArray())
                {
                    Flatten(item, $"{prefix}:{i++}", values);
                }

                break;
            case JsonValueKind.Null:
                values[prefix] = null;
                break;
            default:
                values[prefix] = element.ValueKind == JsonValueKind.String ? element.GetString() : element.GetRawText();
                break;
        }
    }

    /// <summary>host.json <c>extensions.queues</c>, with the Functions queue trigger's meaning, defaults and limits.</summary>
    /// <exception cref="InvalidDataException">A value is out of range; the message names the host.json field.</exception>
    public static QueueTriggerOptions ReadQueueSettings(IConfiguration configuration)
    {
        var queues = configuration.GetSection($"{HostJsonPrefix}:extensions:queues");
        var defaults = new QueueTriggerOptions();
        var options = new QueueTriggerOptions
        {
            BatchSize = Int(queues, "extensions.queues", "batchSize", defaults.BatchSize, 1, 32),
            NewBatchThreshold = Int(queues, "extensions.queues", "newBatchThreshold", defaults.NewBatchThreshold, 0, 1000),
            MaxDequeueCount = Int(queues, "extensions.queues", "maxDequeueCount", defaults.MaxDequeueCount, 1, 100),
            VisibilityTimeout = Span(queues, "extensions.queues", "visibilityTimeout", defaults.VisibilityTimeout),
            MaxPollingInterval = Span(queues, "extensions.queues", "maxPollingInterval", defaults.MaxPollingInterval),
        };
        if (options.MaxPollingInterval < TimeSpan.FromMilliseconds(100))
        {
            throw new InvalidDataException("host.json: extensions.queues.maxPollingInterval must be at least 00:00:00.1 (the Functions host's minimum)");
        }

        return options;
    }

    /// <summary>host.json <c>extensions.durableTask</c>: the task hub name and the Azure Storage provider's polling and partitions.</summary>
    public static (string HubName, int PartitionCount, TimeSpan MaxQueuePollingInterval, int MaxActivities, int MaxOrchestrations, TimeSpan? VisibilityTimeout) ReadDurableSettings(IConfiguration configuration)
    {
        var durable = configuration.GetSection($"{HostJsonPrefix}:extensions:durableTask");
        var hub = durable["hubName"] is { Length: > 0 } name ? name : "TestHubName"; // the Durable Functions default
        var provider = durable.GetSection("storageProvider");
        return (hub, Int(provider, "extensions.durableTask.storageProvider", "partitionCount", 4, 1, 16),
            Span(provider, "extensions.durableTask.storageProvider", "maxQueuePollingInterval", TimeSpan.FromSeconds(30)),
            Int(durable, "extensions.durableTask", "maxConcurrentActivityFunctions", 10, 1, 1000),
            Int(durable, "extensions.durableTask", "maxConcurrentOrchestratorFunctions", 10, 1, 1000),
            provider["workItemQueueVisibilityTimeout"] is null ? null : Span(provider, "extensions.durableTask.storageProvider", "workItemQueueVisibilityTimeout", TimeSpan.FromMinutes(5)));
    }

    private static int Int(IConfiguration section, string path, string name, int fallback, int min, int max)
    {
        var text = section[name];
        if (text is null)
        {
            return fallback;
        }

        return int.TryParse(text, System.Globalization.NumberStyles.Integer, System.Globalization.CultureInfo.InvariantCulture, out var value) && value >= min && value <= max
            ? value
            : throw new InvalidDataException($"host.json: {path}.{name} must be a whole number {min}–{max} (got {text})");
    }

    private static TimeSpan Span(IConfiguration section, string path, string name, TimeSpan fallback)
    {
        var text = section[name];
        if (text is null)
        {
            return fallback;
        }

        return TimeSpan.TryParse(text, System.Globalization.CultureInfo.InvariantCulture, out var value) && value >= TimeSpan.Zero && value <= TimeSpan.FromDays(7)
            ? value
            : throw new InvalidDataException($"host.json: {path}.{name} must be a time span such as 00:00:30 (got {text})");
    }
}

/// <summary>The queue trigger's settings (host.json <c>extensions.queues</c>); defaults are the Functions host's.</summary>
internal sealed record QueueTriggerOptions
{
    public int BatchSize { get; init; } = 16;

    public int NewBatchThreshold { get; init; } = 8;

    public int MaxDequeueCount { get; init; } = 5;

    public TimeSpan VisibilityTimeout { get; init; } = TimeSpan.Zero;

    public TimeSpan MaxPollingInterval { get; init; } = TimeSpan.FromMinutes(1);
}
