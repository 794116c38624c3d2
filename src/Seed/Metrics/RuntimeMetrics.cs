using System.Diagnostics.Metrics;
using System.Text;

namespace Flock.Seed.Metrics;

/// <summary>
/// The instruments the .NET runtime publishes itself on its "System.Runtime" meter (process CPU time and working set,
/// GC, JIT, thread pool, exceptions), listened to with <see cref="MeterListener"/> and written as Prometheus families
/// under the OpenTelemetry naming rules: dots become underscores, the unit is appended (`By` as bytes, `s` as seconds)
/// and monotonic counters end in `_total`, so `dotnet.process.cpu.time` is `dotnet_process_cpu_time_seconds_total`.
/// </summary>
public sealed class RuntimeMetrics : IDisposable
{
    public const string MeterName = "System.Runtime";

    private readonly MeterListener _listener = new();
    private readonly object _lock = new();
    // Observable instruments report their current value on each collection; the others report increments, summed here.
    private readonly Dictionary<Instrument, Dictionary<string, double>> _values = [];

    public RuntimeMetrics()
    {
        _listener.InstrumentPublished = (instrument, listener) =>
        {
            if (instrument.Meter.Name == MeterName && Kind(instrument) is not null) listener.EnableMeasurementEvents(instrument);
        };
        _listener.SetMeasurementEventCallback<long>((i, v, tags, _) => Record(i, v, tags));
        _listener.SetMeasurementEventCallback<int>((i, v, tags, _) => Record(i, v, tags));
        _listener.SetMeasurementEventCallback<double>((i, v, tags, _) => Record(i, v, tags));
        _listener.Start();
    }

    /// <summary>Collects the runtime's observable instruments now and writes every instrument heard of.</summary>
    public void WriteTo(PrometheusWriter w)
    {
        lock (_lock)
        {
            foreach (var values in _values.Where(v => v.Key.GetType().Name.StartsWith("Observable", StringComparison.Ordinal))) values.Value.Clear();
        }
        _listener.RecordObservableInstruments();
        lock (_lock)
        {
            foreach (var (instrument, samples) in _values.OrderBy(v => v.Key.Name, StringComparer.Ordinal))
            {
                if (samples.Count == 0) continue;
                var name = PrometheusName(instrument);
                w.Family(name, Kind(instrument)!, instrument.Description ?? instrument.Name);
                foreach (var (labels, value) in samples.OrderBy(s => s.Key, StringComparer.Ordinal))
                    w.Sample(name, value, Labels(labels));
            }
        }
    }

    /// <summary>The Prometheus name of an instrument, by the OpenTelemetry rules.</summary>
    public static string PrometheusName(Instrument instrument)
    {
        var name = new StringBuilder(instrument.Name.Length + 16);
        foreach (var c in instrument.Name) name.Append(char.IsAsciiLetterOrDigit(c) ? c : '_');
        var unit = instrument.Unit switch
        {
            "By" => "bytes",
            "s" => "seconds",
            "ms" => "milliseconds",
            _ => null, // {annotations} such as {collection} name no unit
        };
        if (unit is not null && !name.ToString().EndsWith("_" + unit, StringComparison.Ordinal)) name.Append('_').Append(unit);
        if (Kind(instrument) == "counter") name.Append("_total");
        return name.ToString();
    }

    /// <summary>counter for monotonic sums, gauge for the rest; null for what this does not write (histograms).</summary>
    private static string? Kind(Instrument instrument)
    {
        var type = instrument.GetType().Name;
        if (type.StartsWith("ObservableCounter", StringComparison.Ordinal) || type.StartsWith("Counter", StringComparison.Ordinal)) return "counter";
        if (type.StartsWith("ObservableUpDownCounter", StringComparison.Ordinal) || type.StartsWith("UpDownCounter", StringComparison.Ordinal)
            || type.StartsWith("ObservableGauge", StringComparison.Ordinal) || type.StartsWith("Gauge", StringComparison.Ordinal)) return "gauge";
        return null;
    }

    private void Record(Instrument instrument, double value, ReadOnlySpan<KeyValuePair<string, object?>> tags)
    {
        var key = new StringBuilder();
        foreach (var tag in tags)
        {
            if (key.Length > 0) key.Append('\u0001');
            foreach (var c in tag.Key) key.Append(char.IsAsciiLetterOrDigit(c) ? c : '_');
            key.Append('\u0002').Append(tag.Value);
        }
        var labels = key.ToString();
        var type = instrument.GetType().Name;
        var current = type.StartsWith("Observable", StringComparison.Ordinal) || type.StartsWith("Gauge", StringComparison.Ordinal);
        lock (_lock)
        {
            if (!_values.TryGetValue(instrument, out var samples)) _values[instrument] = samples = new Dictionary<string, double>(StringComparer.Ordinal);
            samples[labels] = current ? value : samples.GetValueOrDefault(labels) + value;
        }
    }

    private static (string Name, string Value)[] Labels(string key) =>
        key.Length == 0 ? [] : key.Split('\u0001').Select(pair => pair.Split('\u0002', 2)).Select(p => (p[0], p[1])).ToArray();

    public void Dispose() => _listener.Dispose();
}
