using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Text;
using Newtonsoft.Json;

namespace AtasSignalStrategy.Core
{
    /// <summary>
    /// Which signals were already handled, kept in a JSON file so a restarted strategy (or a
    /// restarted ATAS) never executes a signal twice. Thread-safe.
    ///
    /// Bounded: past <c>capacity</c> entries the oldest are dropped and the highest dropped id
    /// becomes the <see cref="Floor"/>; any stream id at or below the floor counts as known.
    /// Stream ids only grow, so a dropped signal can never come back as "new".
    /// </summary>
    public sealed class DedupeStore
    {
        private const int FormatVersion = 1;

        private readonly object _lock = new object();
        private readonly string _path;
        private readonly int _capacity;
        private readonly Func<DateTime> _utcNow;
        private readonly List<DedupeEntry> _order = new List<DedupeEntry>();
        private readonly Dictionary<string, DedupeEntry> _byKey = new Dictionary<string, DedupeEntry>(StringComparer.Ordinal);
        private StreamId? _floor;

        private DedupeStore(string path, int capacity, Func<DateTime> utcNow)
        {
            _path = path;
            _capacity = capacity;
            _utcNow = utcNow;
        }

        /// <summary>The file backing the store.</summary>
        public string Path { get { return _path; } }

        /// <summary>True when the file was unreadable and the store started over (see <see cref="RecoveryMessage"/>).</summary>
        public bool Recovered { get; private set; }

        public string RecoveryMessage { get; private set; }

        public int Count { get { lock (_lock) return _order.Count; } }

        /// <summary>Every stream id at or below this one counts as known; null when nothing was dropped.</summary>
        public string Floor { get { lock (_lock) return _floor.HasValue ? _floor.Value.ToString() : null; } }

        /// <summary>
        /// Loads <paramref name="path"/> (created on the first write). An unreadable file is kept
        /// aside as "*.corrupt-*" and replaced by an empty store whose floor is "now": every
        /// signal that existed before this moment counts as handled, since the file can no
        /// longer say which were.
        /// </summary>
        /// <param name="capacity">Entries kept before the oldest are dropped. Default 5000.</param>
        /// <param name="utcNow">Clock; default <see cref="DateTime.UtcNow"/>.</param>
        public static DedupeStore Open(string path, int capacity = 5000, Func<DateTime> utcNow = null)
        {
            if (string.IsNullOrEmpty(path)) throw new ArgumentException("dedupe store path is empty");
            if (capacity < 1) throw new ArgumentException("dedupe store capacity must be at least 1");
            var store = new DedupeStore(path, capacity, utcNow ?? (() => DateTime.UtcNow));
            var dir = System.IO.Path.GetDirectoryName(System.IO.Path.GetFullPath(path));
            if (!string.IsNullOrEmpty(dir)) Directory.CreateDirectory(dir);
            // A crash between writing the new file and swapping it in leaves only "*.tmp".
            var source = File.Exists(path) ? path : File.Exists(TempPath(path)) ? TempPath(path) : null;
            if (source != null)
            {
                try
                {
                    store.Load(File.ReadAllText(source, Encoding.UTF8));
                }
                catch (Exception ex)
                {
                    var aside = path + ".corrupt-" + store._utcNow().ToString("yyyyMMddHHmmss", CultureInfo.InvariantCulture);
                    try { File.Move(source, aside); } catch (IOException) { }
                    store._order.Clear();
                    store._byKey.Clear();
                    store._floor = StreamId.EndOf(store._utcNow());
                    store.Recovered = true;
                    store.RecoveryMessage = "dedupe file " + path + " was unreadable (" + ex.Message + "); kept as " + aside +
                                            ". Signals older than now are treated as already handled.";
                    store.Persist();
                }
            }
            return store;
        }

        /// <summary>True when the signal with this key was handled (or is below the floor).</summary>
        public bool IsKnown(string key)
        {
            lock (_lock) return IsKnownLocked(key);
        }

        /// <summary>
        /// Records the signal as <see cref="SignalStates.Claimed"/> and writes the file, unless
        /// it is already known. Only a caller that gets true may act on the signal.
        /// </summary>
        /// <exception cref="IOException">The file could not be written; nothing was recorded.</exception>
        public bool TryClaim(SignalDto signal)
        {
            return TryRecord(signal, SignalStates.Claimed);
        }

        /// <summary>As <see cref="TryClaim"/>, with another initial state (e.g. Alerted).</summary>
        public bool TryRecord(SignalDto signal, string state)
        {
            lock (_lock)
            {
                var key = signal.DedupeKey;
                if (IsKnownLocked(key)) return false;
                var entry = new DedupeEntry { Key = key, Timestamp = signal.Timestamp, Symbol = signal.Symbol, State = state, UpdatedAt = Now() };
                _order.Add(entry);
                _byKey[key] = entry;
                var evicted = Evict();
                try
                {
                    Persist();
                }
                catch
                {
                    _order.Remove(entry);
                    _byKey.Remove(key);
                    _order.InsertRange(0, evicted.Entries);
                    foreach (var e in evicted.Entries) _byKey[e.Key] = e;
                    _floor = evicted.PreviousFloor;
                    throw;
                }
                return true;
            }
        }

        /// <summary>Moves a known signal to another state and writes the file.</summary>
        /// <exception cref="IOException">The file could not be written (the state is kept in memory).</exception>
        public void SetState(string key, string state)
        {
            lock (_lock)
            {
                DedupeEntry entry;
                if (!_byKey.TryGetValue(key, out entry)) return;
                entry.State = state;
                entry.UpdatedAt = Now();
                Persist();
            }
        }

        /// <summary>The state of a known signal, or null.</summary>
        public string GetState(string key)
        {
            lock (_lock)
            {
                DedupeEntry entry;
                return _byKey.TryGetValue(key, out entry) ? entry.State : null;
            }
        }

        /// <summary>Copies of the entries in one state, oldest first.</summary>
        public List<DedupeEntry> WithState(string state)
        {
            lock (_lock) return _order.Where(e => e.State == state).Select(e => e.Clone()).ToList();
        }

        private bool IsKnownLocked(string key)
        {
            if (_byKey.ContainsKey(key)) return true;
            StreamId id;
            return _floor.HasValue && StreamId.TryParse(key, out id) && id.CompareTo(_floor.Value) <= 0;
        }

        private sealed class Eviction
        {
            public List<DedupeEntry> Entries = new List<DedupeEntry>();
            public StreamId? PreviousFloor;
        }

        private Eviction Evict()
        {
            var evicted = new Eviction { PreviousFloor = _floor };
            while (_order.Count > _capacity)
            {
                var oldest = _order[0];
                _order.RemoveAt(0);
                _byKey.Remove(oldest.Key);
                evicted.Entries.Add(oldest);
                StreamId id;
                if (StreamId.TryParse(oldest.Key, out id) && (!_floor.HasValue || id.CompareTo(_floor.Value) > 0)) _floor = id;
            }
            return evicted;
        }

        private void Load(string text)
        {
            var file = JsonConvert.DeserializeObject<StoreFile>(text, Json.Settings);
            if (file == null) throw new InvalidDataException("the file is empty");
            if (file.Version != FormatVersion) throw new InvalidDataException("unknown format version " + file.Version);
            if (file.Entries == null) throw new InvalidDataException("no entries list");
            if (!string.IsNullOrEmpty(file.Floor))
            {
                StreamId floor;
                if (!StreamId.TryParse(file.Floor, out floor)) throw new InvalidDataException("floor '" + file.Floor + "' is not a stream id");
                _floor = floor;
            }
            foreach (var entry in file.Entries)
            {
                if (entry == null || string.IsNullOrEmpty(entry.Key)) throw new InvalidDataException("an entry has no key");
                if (_byKey.ContainsKey(entry.Key)) continue;
                _order.Add(entry);
                _byKey[entry.Key] = entry;
            }
            Evict();
        }

        private void Persist()
        {
            var file = new StoreFile { Version = FormatVersion, Floor = _floor.HasValue ? _floor.Value.ToString() : null, Entries = _order };
            var text = JsonConvert.SerializeObject(file, Formatting.Indented, Json.Settings);
            var tmp = TempPath(_path);
            using (var stream = new FileStream(tmp, FileMode.Create, FileAccess.Write, FileShare.None))
            using (var writer = new StreamWriter(stream, new UTF8Encoding(false)))
            {
                writer.Write(text);
                writer.Flush();
                stream.Flush(true);
            }
            // Swap in the complete file: a crash mid-write never leaves a half-written store.
            if (File.Exists(_path)) File.Replace(tmp, _path, null);
            else File.Move(tmp, _path);
        }

        private string Now()
        {
            return _utcNow().ToString("yyyy-MM-ddTHH:mm:ss.fffZ", CultureInfo.InvariantCulture);
        }

        private static string TempPath(string path)
        {
            return path + ".tmp";
        }

        private sealed class StoreFile
        {
            [JsonProperty("version")] public int Version { get; set; }
            [JsonProperty("floor")] public string Floor { get; set; }
            [JsonProperty("entries")] public List<DedupeEntry> Entries { get; set; }
        }
    }
}
