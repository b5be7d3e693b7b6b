using System.Collections.Concurrent;
using System.Diagnostics.Tracing;
using System.Globalization;
using System.Reflection;
using System.Runtime.InteropServices;
using LeadScoring.Core.Scoring;

namespace LeadScoring.Benchmarks;

/// <summary>
/// <c>--account</c>: for one warmed-up <see cref="LeadScorer.Score"/> call, compares the bytes the thread
/// really allocated (<see cref="GC.GetAllocatedBytesForCurrentThread"/>) with the bytes of the objects in the result,
/// sized with the 64-bit CoreCLR layout. A positive difference is garbage the call made beyond its result.
/// </summary>
/// <remarks>
/// Objects the result merely points at (string literals, the profile's weights, the scorer's ModelVersion, the
/// lead's ContactId) are not allocated by the call: an object that turns up in the results of two separate calls
/// is counted as pre-existing. Sizes: object = 16 (header + method table) + fields (references first, then by size,
/// each aligned) rounded up to 8, at least 24; string = 22 + 2·length rounded up to 8; array = 24 + elements
/// rounded up to 8. The runtime's own base size of each class is printed beside the estimate as a check.
/// </remarks>
public static class AllocationAccount
{
    private const int MeasuredCalls = 1_000;

    private static readonly CultureInfo Inv = CultureInfo.InvariantCulture;

    public static void Run(TextWriter output)
    {
        ArgumentNullException.ThrowIfNull(output);
        var scorer = new LeadScorer(ScoringProfile.Default, TimeProvider.System);
        WarmUp(scorer);

        Line(output, $"Allocation account of LeadScorer.Score ({RuntimeInformation.FrameworkDescription}, {RuntimeInformation.ProcessArchitecture}, min of {MeasuredCalls} warmed-up calls)");
        Line(output, "");
        var full = Account(output, "full lead", scorer, SampleLeads.Full, detailed: true);
        Line(output, "");
        Account(output, "sparse lead", scorer, SampleLeads.Sparse, detailed: false);
        Account(output, "empty lead", scorer, SampleLeads.Empty, detailed: false);
        Line(output, "");
        Stages(output, scorer, SampleLeads.Full);
        Line(output, "");
        Sample(output, scorer, SampleLeads.Full);
        Line(output, "");
        Line(output, full == 0
            ? "Verdict: Score(full lead) allocates exactly its result."
            : $"Verdict: Score(full lead) allocates {full:+#,##0;-#,##0} B beyond its result (see the stage breakdown and sampling above).");
    }

    /// <summary>Enough calls, with pauses, for tiered compilation (and its PGO) to reach the final code.</summary>
    private static void WarmUp(LeadScorer scorer)
    {
        for (var round = 0; round < 6; round++)
        {
            for (var i = 0; i < 5_000; i++)
            {
                scorer.Score(SampleLeads.Full);
                scorer.Score(SampleLeads.Sparse);
                scorer.Score(SampleLeads.Empty);
                FitComponent.Score(SampleLeads.Full, scorer.Profile);
                EngagementComponent.Score(SampleLeads.Full, scorer.Profile);
                OutcomeComponent.Score(SampleLeads.Full, scorer.Profile);
                RecencyComponent.Score(SampleLeads.Full, scorer.Profile, SampleLeads.Full.AsOf!.Value);
                NextBestActionRules.Decide(Priority.Medium, SampleLeads.Full, SampleLeads.Full.AsOf!.Value, scorer.Profile.NextBestAction);
            }

            Thread.Sleep(150);
        }
    }

    /// <summary>Prints measured vs. estimated bytes of one lead; returns the difference.</summary>
    private static long Account(TextWriter output, string label, LeadScorer scorer, LeadFeatures lead, bool detailed)
    {
        var (measured, spread) = Measure(() => scorer.Score(lead));
        var census = Census.Of(scorer.Score(lead), scorer.Score(lead));
        var difference = measured - census.NewBytes;
        Line(output, $"{label,-12} measured {measured,6:#,##0} B   result graph {census.NewBytes,6:#,##0} B ({census.NewObjects} objects)   difference {difference,5:+#,##0;-#,##0;0} B{spread}");
        if (detailed)
        {
            Line(output, "");
            Line(output, $"  Result graph of the {label}, objects allocated by the call:");
            Line(output, $"    {"type",-28} {"count",5} {"bytes",7}   {"size each (est. / runtime base size)",-36}");
            foreach (var row in census.Rows.Where(r => !r.Shared))
            {
                Line(output, $"    {row.Type,-28} {row.Count,5} {row.Bytes,7:#,##0}   {row.SizeNote,-36}");
            }

            Line(output, $"    {"total",-28} {census.NewObjects,5} {census.NewBytes,7:#,##0}");
            Line(output, "  Reachable but pre-existing (literals, profile, scorer, input), not counted:");
            foreach (var row in census.Rows.Where(r => r.Shared))
            {
                Line(output, $"    {row.Type,-28} {row.Count,5} {row.Bytes,7:#,##0}");
            }

            Line(output, "");
        }

        return difference;
    }

    /// <summary>The same account for each step Score takes, so extra bytes can be pinned to a step.</summary>
    private static void Stages(TextWriter output, LeadScorer scorer, LeadFeatures lead)
    {
        var profile = scorer.Profile;
        var asOf = lead.AsOf!.Value;
        Line(output, "Stage breakdown of the full lead (measured / own result estimate / difference):");
        long measuredSum = 0, estimatedSum = 0;

        void Stage(string name, Func<object> call)
        {
            var (measured, spread) = Measure(call);
            var census = Census.Of(call(), call());
            measuredSum += measured;
            estimatedSum += census.NewBytes;
            Line(output, $"  {name,-56} {measured,6:#,##0} B / {census.NewBytes,6:#,##0} B / {measured - census.NewBytes,5:+#,##0;-#,##0;0} B{spread}");
        }

        Stage("FitComponent.Score", () => FitComponent.Score(lead, profile));
        Stage("EngagementComponent.Score", () => EngagementComponent.Score(lead, profile));
        Stage("OutcomeComponent.Score", () => OutcomeComponent.Score(lead, profile));
        Stage("RecencyComponent.Score", () => RecencyComponent.Score(lead, profile, asOf));
        var result = scorer.Score(lead);
        Stage($"NextBestActionRules.Decide ({result.Priority})", () => NextBestActionRules.Decide(result.Priority, lead, asOf, profile.NextBestAction).Reason);
        Stage("LeadScorer.TopReasons", () => LeadScorer.TopReasons(result.Components, result.Weights));

        var (total, _) = Measure(() => scorer.Score(lead));
        var all = Census.Of(scorer.Score(lead), scorer.Score(lead)).NewBytes;
        Line(output, $"  {"rest of Score (LeadScore, ComponentScores, MissingData)",-56} {total - measuredSum,6:#,##0} B / {all - estimatedSum,6:#,##0} B / {total - measuredSum - (all - estimatedSum),5:+#,##0;-#,##0;0} B");
    }

    /// <summary>
    /// Which types the calls allocate, from the runtime's GCAllocationTick events (one per ~100 KB allocated, naming the
    /// type whose allocation crossed the mark, so a type's share of ticks is roughly its share of the bytes).
    /// </summary>
    private static void Sample(TextWriter output, LeadScorer scorer, LeadFeatures lead)
    {
        const int Calls = 400_000;
        var (perCall, _) = Measure(() => scorer.Score(lead));
        var resultTypes = Census.Types(scorer.Score(lead));
        using (var sampler = new AllocationSampler())
        {
            for (var i = 0; i < Calls; i++)
            {
                GC.KeepAlive(scorer.Score(lead));
            }

            Thread.Sleep(2_000); // runtime events reach listeners through a dispatch thread
            var ticks = sampler.Ticks.ToArray();
            var total = ticks.Sum(t => t.Value);
            Line(output, string.Create(Inv, $"Allocation sampling of {Calls:#,##0} Score(full lead) calls: {total:#,##0} GCAllocationTick events, by type (share × {perCall:#,##0} B/call):"));
            foreach (var (type, count) in ticks.OrderByDescending(t => t.Value).Where(t => t.Value * 200 >= total))
            {
                var share = (double)count / total;
                var note = resultTypes.Contains(type) ? "" : type.StartsWith("System.Diagnostics.Tracing.", StringComparison.Ordinal) ? "   (the sampler's own events)" : "   <- not part of the result";
                Line(output, string.Create(Inv, $"  {type,-72} {count,6:#,##0} {share,7:0.0%}  ≈ {share * perCall,5:0} B{note}"));
            }
        }
    }

    /// <summary>Smallest allocation of <see cref="MeasuredCalls"/> calls, and a note if the calls disagreed.</summary>
    private static (long Bytes, string Spread) Measure(Func<object> call)
    {
        for (var i = 0; i < 100; i++)
        {
            GC.KeepAlive(call()); // the delegate itself is new: let its first calls settle before measuring
        }

        long min = long.MaxValue, max = long.MinValue;
        for (var i = 0; i < MeasuredCalls; i++)
        {
            var before = GC.GetAllocatedBytesForCurrentThread();
            GC.KeepAlive(call());
            var bytes = GC.GetAllocatedBytesForCurrentThread() - before;
            min = Math.Min(min, bytes);
            max = Math.Max(max, bytes);
        }

        // The closure's own call adds nothing: `call` is a cached delegate and invoking it does not allocate.
        return (min, max == min ? "" : string.Create(Inv, $"   (calls varied: {min}–{max} B)"));
    }

    private static void Line(TextWriter output, string text) => output.WriteLine(text);

    /// <summary>Objects reachable from a result, sized, and split into "made by this call" and "pre-existing".</summary>
    private sealed class Census
    {
        public List<Row> Rows { get; } = [];

        public int NewObjects { get; private set; }

        public long NewBytes { get; private set; }

        /// <summary>Full names of the types in <paramref name="result"/>'s graph, as the runtime's events spell them.</summary>
        public static HashSet<string> Types(object result) => Reachable(result).Select(o => o.GetType().FullName!).ToHashSet(StringComparer.Ordinal);

        /// <summary>Walks <paramref name="result"/>; whatever is also reachable from <paramref name="other"/> (another call's result) pre-existed.</summary>
        public static Census Of(object result, object other)
        {
            var shared = Reachable(other).ToHashSet(ReferenceEqualityComparer.Instance);
            var census = new Census();
            foreach (var group in Reachable(result)
                .GroupBy(o => (Type: Layout.TypeName(o), Shared: shared.Contains(o)))
                .OrderBy(g => g.Key.Shared).ThenByDescending(g => g.Sum(Layout.SizeOf)))
            {
                var bytes = group.Sum(Layout.SizeOf);
                census.Rows.Add(new Row(group.Key.Type, group.Key.Shared, group.Count(), bytes, Layout.SizeNote(group.ToList())));
                if (!group.Key.Shared)
                {
                    census.NewObjects += group.Count();
                    census.NewBytes += bytes;
                }
            }

            return census;
        }

        /// <summary>Every heap object reachable from <paramref name="root"/> through fields and array elements (structs are walked inline).</summary>
        private static List<object> Reachable(object root)
        {
            var seen = new HashSet<object>(ReferenceEqualityComparer.Instance);
            var pending = new Stack<object>();
            var found = new List<object>();
            if (!root.GetType().IsValueType)
            {
                pending.Push(root);
            }
            else
            {
                Children(root, pending);
            }

            while (pending.TryPop(out var current))
            {
                if (seen.Add(current))
                {
                    found.Add(current);
                    Children(current, pending);
                }
            }

            return found;
        }

        private static void Children(object value, Stack<object> pending)
        {
            var type = value.GetType();
            if (type == typeof(string) || type.IsPrimitive || type.IsEnum)
            {
                return;
            }

            if (value is Array array)
            {
                foreach (var element in array)
                {
                    Visit(element, pending);
                }

                return;
            }

            foreach (var field in Layout.InstanceFields(type))
            {
                Visit(field.GetValue(value), pending);
            }
        }

        private static void Visit(object? value, Stack<object> pending)
        {
            if (value is null)
            {
                return;
            }

            if (value.GetType().IsValueType)
            {
                Children(value, pending); // a struct's (boxed copy's) references, not the box itself
            }
            else
            {
                pending.Push(value);
            }
        }

        public sealed record Row(string Type, bool Shared, int Count, long Bytes, string SizeNote);
    }

    /// <summary>Counts GCAllocationTick events by type name.</summary>
    private sealed class AllocationSampler : EventListener
    {
        private const EventKeywords GcKeyword = (EventKeywords)0x1;

        public ConcurrentDictionary<string, int> Ticks { get; } = new(StringComparer.Ordinal);

        protected override void OnEventSourceCreated(EventSource eventSource)
        {
            if (eventSource.Name == "Microsoft-Windows-DotNETRuntime")
            {
                EnableEvents(eventSource, EventLevel.Verbose, GcKeyword);
            }
        }

        protected override void OnEventWritten(EventWrittenEventArgs eventData)
        {
            if (eventData.EventName?.StartsWith("GCAllocationTick", StringComparison.Ordinal) == true
                && eventData.PayloadNames?.IndexOf("TypeName") is >= 0 and var at
                && eventData.Payload?[at] is string type)
            {
                Ticks.AddOrUpdate(type, 1, (_, n) => n + 1);
            }
        }
    }

    /// <summary>64-bit CoreCLR object sizes, computed from the field list.</summary>
    private static class Layout
    {
        private const int Pointer = 8;

        public static long SizeOf(object value) => value switch
        {
            string s => AlignUp(22 + (2L * s.Length), Pointer),
            Array a => AlignUp(24 + (ElementSize(a.GetType().GetElementType()!) * a.LongLength), Pointer),
            _ => ClassSize(value.GetType()),
        };

        public static string TypeName(object value) => value switch
        {
            string => "string",
            Array a => Name(a.GetType().GetElementType()!) + "[" + a.Length.ToString(Inv) + "]",
            _ => Name(value.GetType()),
        };

        /// <summary>"40 / 40" for a class (estimate / runtime base size); string and array sizes follow from their lengths.</summary>
        public static string SizeNote(List<object> objects)
        {
            var first = objects[0];
            if (first is string)
            {
                return string.Create(Inv, $"lengths {objects.Cast<string>().Sum(s => s.Length)} chars in all");
            }

            if (first is Array array)
            {
                var element = array.GetType().GetElementType()!;
                return string.Create(Inv, $"24 + {array.Length} × {ElementSize(element)}") + (element.IsValueType && !element.IsPrimitive
                    ? string.Create(Inv, $" (runtime element size {System.Runtime.CompilerServices.RuntimeHelpers.SizeOf(element.TypeHandle)})")
                    : "");
            }

            return string.Create(Inv, $"{ClassSize(first.GetType())} / {RuntimeBaseSize(first.GetType())}");
        }

        public static IEnumerable<FieldInfo> InstanceFields(Type type)
        {
            for (var t = type; t is not null && t != typeof(object) && t != typeof(ValueType); t = t.BaseType)
            {
                foreach (var field in t.GetFields(BindingFlags.Instance | BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.DeclaredOnly))
                {
                    yield return field;
                }
            }
        }

        /// <summary>16 bytes of header and method table, then the fields, rounded up to 8; never less than 24.</summary>
        private static long ClassSize(Type type) => Math.Max(24, 16 + AlignUp(Pack(InstanceFields(type)).Size, Pointer));

        private static long ElementSize(Type element) => FieldLayout(element).Size;

        /// <summary>Auto layout: references first, then primitives by decreasing size, then structs; each at its alignment.</summary>
        private static (int Size, int Align) Pack(IEnumerable<FieldInfo> fields)
        {
            var ordered = fields
                .Select(f => (f.FieldType, Layout: FieldLayout(f.FieldType)))
                .OrderBy(f => !f.FieldType.IsValueType ? 0 : f.FieldType.IsPrimitive || f.FieldType.IsEnum ? 1 : 2)
                .ThenByDescending(f => f.Layout.Size);
            int offset = 0, align = 1;
            foreach (var (_, layout) in ordered)
            {
                offset = (int)AlignUp(offset, layout.Align) + layout.Size;
                align = Math.Max(align, layout.Align);
            }

            return ((int)AlignUp(offset, align), align);
        }

        private static (int Size, int Align) FieldLayout(Type type)
        {
            if (!type.IsValueType)
            {
                return (Pointer, Pointer);
            }

            var primitive = type.IsEnum ? Enum.GetUnderlyingType(type) : type;
            if (primitive.IsPrimitive)
            {
                var size = Type.GetTypeCode(primitive) switch
                {
                    TypeCode.Boolean or TypeCode.Byte or TypeCode.SByte => 1,
                    TypeCode.Char or TypeCode.Int16 or TypeCode.UInt16 => 2,
                    TypeCode.Int32 or TypeCode.UInt32 or TypeCode.Single => 4,
                    _ => 8,
                };
                return (size, size);
            }

            return Pack(InstanceFields(type));
        }

        /// <summary>The runtime's own instance size of a class (MethodTable::m_BaseSize, at offset 4 on CoreCLR).</summary>
        private static int RuntimeBaseSize(Type type) => Marshal.ReadInt32(type.TypeHandle.Value, 4);

        private static long AlignUp(long value, int alignment) => (value + alignment - 1) / alignment * alignment;

        private static string Name(Type type) => type.IsGenericType
            ? type.Name[..type.Name.IndexOf('`', StringComparison.Ordinal)] + "<" + string.Join(", ", type.GetGenericArguments().Select(Name)) + ">"
            : type.Name;
    }
}
