using System.Reflection;

namespace LeadScoring.Testing;

/// <summary>The checkout the tests and benchmarks run from: node_modules (Azurite), host.json, infra, the host build.</summary>
public static class Repository
{
    /// <summary>The folder holding LeadScoring.sln: the one this library was built from, else the first found upwards.</summary>
    public static string Root()
    {
        var built = typeof(Repository).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>().FirstOrDefault(a => a.Key == "RepositoryRoot")?.Value;
        if (built is not null && File.Exists(Path.Combine(built, "LeadScoring.sln")))
        {
            return built;
        }

        foreach (var start in new[] { Environment.CurrentDirectory, AppContext.BaseDirectory })
        {
            for (var dir = new DirectoryInfo(start); dir is not null; dir = dir.Parent)
            {
                if (File.Exists(Path.Combine(dir.FullName, "LeadScoring.sln")))
                {
                    return dir.FullName;
                }
            }
        }

        throw new InvalidOperationException("LeadScoring.sln not found above " + AppContext.BaseDirectory);
    }
}
