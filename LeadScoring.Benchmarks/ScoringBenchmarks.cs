using BenchmarkDotNet.Attributes;
using LeadScoring.Core.Scoring;

namespace LeadScoring.Benchmarks;

/// <summary>
/// Cost of <see cref="LeadScorer.Score"/> for one lead: fully populated, sparse and empty.
/// Target: under 20 µs per lead, and no allocations beyond the result itself, i.e. the <see cref="LeadScore"/>,
/// its <see cref="ComponentScores"/>, the 4 <see cref="ComponentScore"/> objects, their factor arrays, the reason
/// strings, and the TopReasons and MissingData arrays. Run <c>--account</c> to see whether Allocated is exactly that.
/// </summary>
[MemoryDiagnoser]
public class ScoringBenchmarks
{
    private readonly LeadScorer _scorer = new(ScoringProfile.Default, TimeProvider.System);

    [Benchmark(Description = "Score: full lead")]
    public LeadScore FullLead() => _scorer.Score(SampleLeads.Full);

    [Benchmark(Description = "Score: sparse lead")]
    public LeadScore SparseLead() => _scorer.Score(SampleLeads.Sparse);

    [Benchmark(Description = "Score: empty lead")]
    public LeadScore EmptyLead() => _scorer.Score(SampleLeads.Empty);
}
