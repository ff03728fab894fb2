#include <gtest/gtest.h>
#include <stdlib.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <thread>

#include "emulator/store/store.h"
#include "tests/unit/support.h"

namespace bf {
namespace {

namespace fs = std::filesystem;

using test_support::TempDir;

using test_support::open_store;

Status put(ObjectStore& objects, const std::string& bucket, const std::string& key,
           const std::string& bytes, const WriteCondition& condition = {},
           const ChangeEvents& events = {}) {
  auto writer = objects.create_blob();
  if (!writer) return writer.error();
  std::unique_ptr<BlobWriter> blob = std::move(writer.value());
  if (auto s = blob->write(bytes); !s) return s;
  ObjectRecord r;
  r.bucket = bucket;
  r.key = key;
  r.blob_id = blob->id();
  r.size = bytes.size();
  r.etag = "e-" + bytes;
  r.storage_class = "STANDARD";
  r.meta = "{}";
  return objects.put_object(r, std::move(blob), condition, Versioning::Unversioned, events);
}

std::string read_all(ObjectStore& objects, const std::string& bucket, const std::string& key) {
  auto opened = objects.open_object(bucket, key);
  if (!opened) return "<missing>";
  std::string out(opened->first.size, '\0');
  EXPECT_EQ(::pread(opened->second->fd(), out.data(), out.size(), 0), static_cast<ssize_t>(out.size()));
  return out;
}

std::size_t blob_files(const std::string& dir) {
  std::size_t n = 0;
  for (auto& e : fs::recursive_directory_iterator(dir + "/blobs"))
    if (e.is_regular_file()) ++n;
  return n;
}

TEST(SqliteStore, BucketsLifecycle) {
  TempDir dir;
  auto store = open_store(dir.path());
  ASSERT_TRUE(store->buckets().create_bucket({"b", "us-east-1", 1, "me"}));
  EXPECT_TRUE(store->buckets().create_bucket({"b", "us-east-1", 1, "me"}).is_already_exists());
  ASSERT_TRUE(put(store->objects(), "b", "k", "x"));
  EXPECT_TRUE(store->buckets().delete_bucket("b").is_not_empty());
  auto deleted = store->objects().delete_latest("b", "k", Versioning::Unversioned, "", 0, {});
  ASSERT_TRUE(deleted && deleted.value().found);
  EXPECT_TRUE(store->buckets().delete_bucket("b"));
  EXPECT_TRUE(store->buckets().delete_bucket("b").is_not_found());
}

TEST(SqliteStore, OverwriteReplacesBytesAndRemovesOldBlob) {
  TempDir dir;
  auto store = open_store(dir.path());
  ASSERT_TRUE(put(store->objects(), "b", "k", "first"));
  ASSERT_TRUE(put(store->objects(), "b", "k", "second"));
  EXPECT_EQ(read_all(store->objects(), "b", "k"), "second");
  EXPECT_EQ(blob_files(dir.path()), 1u);
}

TEST(SqliteStore, ReaderKeepsBytesOfReplacedObject) {
  TempDir dir;
  auto store = open_store(dir.path());
  ASSERT_TRUE(put(store->objects(), "b", "k", "old"));
  auto opened = store->objects().open_object("b", "k");
  ASSERT_TRUE(put(store->objects(), "b", "k", "new!"));
  char buf[3];
  ASSERT_EQ(::pread(opened->second->fd(), buf, 3, 0), 3);
  EXPECT_EQ(std::string(buf, 3), "old");
}

TEST(SqliteStore, FailedConditionKeepsOldObjectAndNoOrphan) {
  TempDir dir;
  auto store = open_store(dir.path());
  ASSERT_TRUE(put(store->objects(), "b", "k", "keep"));
  auto refuse = [](const std::optional<ObjectRecord>& current) {
    return current ? Status::conflict("If-None-Match") : Status::ok();
  };
  EXPECT_EQ(put(store->objects(), "b", "k", "lose", refuse).code(), Status::Code::Conflict);
  EXPECT_EQ(read_all(store->objects(), "b", "k"), "keep");
  EXPECT_EQ(blob_files(dir.path()), 1u);
}

TEST(SqliteStore, ListingIsByteOrderedAndPrefixIsExact) {
  TempDir dir;
  auto store = open_store(dir.path());
  for (std::string k : {"a%", "a_b", "ab", "a/1", "\xC3\xA9", "z", "a"})
    ASSERT_TRUE(put(store->objects(), "b", k, "x"));
  std::vector<std::string> keys;
  for (auto& r : store->objects().list_objects("b", "", {}, 100)) keys.push_back(r.key);
  EXPECT_EQ(keys, (std::vector<std::string>{"a", "a%", "a/1", "a_b", "ab", "z", "\xC3\xA9"}));
  keys.clear();
  for (auto& r : store->objects().list_objects("b", "a%", {}, 100)) keys.push_back(r.key);
  EXPECT_EQ(keys, (std::vector<std::string>{"a%"}));
  keys.clear();
  for (auto& r : store->objects().list_objects("b", "a", {"a%"}, 2)) keys.push_back(r.key);
  EXPECT_EQ(keys, (std::vector<std::string>{"a/1", "a_b"}));
}

TEST(SqliteStore, SurvivesReopenAndSweepsOrphans) {
  TempDir dir;
  {
    auto store = open_store(dir.path());
    ASSERT_TRUE(put(store->objects(), "b", "k", "durable"));
  }
  // A blob that reached blobs/ but whose row never committed (a crash in between).
  fs::create_directories(dir.path() + "/blobs/ff");
  { std::ofstream(dir.path() + "/blobs/ff/ffffffffffffffffffffffffffffffff") << "orphan"; }
  // A temp file of a write that never finished.
  { std::ofstream(dir.path() + "/tmp/0123") << "partial"; }
  auto store = open_store(dir.path());
  EXPECT_EQ(read_all(store->objects(), "b", "k"), "durable");
  EXPECT_EQ(blob_files(dir.path()), 1u);
  EXPECT_TRUE(fs::is_empty(dir.path() + "/tmp"));
}

TEST(SqliteStore, MultipartCompleteIsOneTransaction) {
  TempDir dir;
  auto store = open_store(dir.path());
  ASSERT_TRUE(store->objects().create_upload({"u1", "b", "k", 1, "STANDARD", "{}"}));
  for (int n : {1, 2}) {
    auto w = store->objects().create_blob();
    std::unique_ptr<BlobWriter> blob = std::move(w.value());
    ASSERT_TRUE(blob->write(std::string(3, static_cast<char>('0' + n))));
    PartRecord p{"u1", n, blob->id(), 3, "m", 1, "{}"};
    ASSERT_TRUE(store->objects().put_part(p, std::move(blob)));
  }
  auto parts = store->objects().list_parts("u1");
  ASSERT_EQ(parts.size(), 2u);
  auto w = store->objects().create_blob();
  std::unique_ptr<BlobWriter> blob = std::move(w.value());
  for (auto& p : parts) {
    auto f = store->objects().open_blob(p.blob_id);
    ASSERT_TRUE(blob->append_from(f.value()->fd(), 0, p.size));
  }
  ObjectRecord r{"b", "k", blob->id(), 6, "x-2", 1, "STANDARD", "{}"};
  ASSERT_TRUE(store->objects().complete_upload("u1", r, std::move(blob)));
  EXPECT_EQ(read_all(store->objects(), "b", "k"), "111222");
  EXPECT_FALSE(store->objects().find_upload("u1"));
  EXPECT_TRUE(store->objects().list_parts("u1").empty());
  EXPECT_EQ(blob_files(dir.path()), 1u);
}

TEST(SqliteStore, MemoryModeLeavesNothingBehind) {
  std::string root;
  {
    auto store = open_store(":memory:");
    ASSERT_TRUE(put(store->objects(), "b", "k", "x"));
    EXPECT_EQ(read_all(store->objects(), "b", "k"), "x");
  }
  // Nothing to assert on the path directly (it is private); a second store starts empty.
  auto store = open_store(":memory:");
  EXPECT_FALSE(store->objects().find_object("b", "k"));
}

// Every change asks for its events inside the write's transaction.
ChangeEvents one_event_per_change(std::vector<ObjectChange>* seen) {
  return [seen](const ObjectChange& change) {
    seen->push_back(change);
    OutboxEntry e;
    e.function = "fn";
    e.payload = change.object.key;
    e.context = "{}";
    e.created_ms = 1;
    e.due_ms = 10;
    return std::vector<OutboxEntry>{e};
  };
}

TEST(SqliteStoreOutbox, EventsCommitWithTheWriteAndSurviveReopen) {
  TempDir dir;
  std::vector<ObjectChange> seen;
  {
    auto store = open_store(dir.path());
    ASSERT_TRUE(store->buckets().create_bucket({"b", "us-east-1", 1, "me"}));
    int wakes = 0;
    store->outbox().on_enqueue([&] { ++wakes; });
    ASSERT_TRUE(put(store->objects(), "b", "k1", "one", {}, one_event_per_change(&seen)));
    ASSERT_TRUE(put(store->objects(), "b", "k1", "two", {}, one_event_per_change(&seen)));
    auto deleted = store->objects().delete_latest("b", "k1", Versioning::Unversioned, "", 5,
                                        one_event_per_change(&seen));
    ASSERT_TRUE(deleted.ok());
    EXPECT_EQ(wakes, 3);
    ASSERT_EQ(seen.size(), 3u);
    EXPECT_FALSE(seen[0].removed);
    EXPECT_EQ(seen[0].object.size, 3u);
    EXPECT_TRUE(seen[2].removed);
    // Sequencers grow with each change of the key.
    EXPECT_LT(seen[0].sequencer, seen[1].sequencer);
    EXPECT_LT(seen[1].sequencer, seen[2].sequencer);
  }
  auto store = open_store(dir.path());
  EXPECT_EQ(store->outbox().pending_event_count(), 3u);
  EXPECT_TRUE(store->outbox().due_events(9, 10, {}).empty());  // not due yet
  auto due = store->outbox().due_events(10, 10, {});
  ASSERT_EQ(due.size(), 3u);
  EXPECT_EQ(due[0].payload, "k1");
  EXPECT_EQ(store->outbox().due_events(10, 10, {due[0].id}).size(), 2u);  // in-flight ids are skipped
}

TEST(SqliteStoreOutbox, FailedConditionLeavesNoEvent) {
  TempDir dir;
  auto store = open_store(dir.path());
  ASSERT_TRUE(store->buckets().create_bucket({"b", "us-east-1", 1, "me"}));
  std::vector<ObjectChange> seen;
  Status s = put(store->objects(), "b", "k", "x",
                 [](const std::optional<ObjectRecord>&) { return Status::conflict("no"); },
                 one_event_per_change(&seen));
  EXPECT_FALSE(s);
  EXPECT_EQ(store->outbox().pending_event_count(), 0u);
}

TEST(SqliteStoreOutbox, AThrowingEventBuilderAbortsOnlyItsOwnWrite) {
  TempDir dir;
  auto store = open_store(dir.path());
  ASSERT_TRUE(store->buckets().create_bucket({"b", "us-east-1", 1, "me"}));
  Status s = put(store->objects(), "b", "k", "x", {}, [](const ObjectChange&) -> std::vector<OutboxEntry> {
    throw std::runtime_error("cannot build the event");
  });
  EXPECT_FALSE(s);
  EXPECT_EQ(read_all(store->objects(), "b", "k"), "<missing>");
  // The transaction was rolled back, so the next writes commit normally.
  ASSERT_TRUE(put(store->objects(), "b", "k", "y"));
  EXPECT_EQ(read_all(store->objects(), "b", "k"), "y");
  ASSERT_TRUE(store->outbox().enqueue({OutboxEntry{0, "fn", "{}", "{}", 1, 1, 0}}));
  EXPECT_EQ(store->outbox().pending_event_count(), 1u);
}

// An object written at `ms` in `storage_class`, for the listings by time.
Status put_at(ObjectStore& objects, const std::string& key, std::int64_t ms,
              const std::string& storage_class = "STANDARD", Versioning versioning = Versioning::Unversioned) {
  auto writer = objects.create_blob();
  if (!writer) return writer.error();
  std::unique_ptr<BlobWriter> blob = std::move(writer.value());
  ObjectRecord r;
  r.bucket = "b";
  r.key = key;
  r.blob_id = blob->id();
  r.etag = "e";
  r.last_modified_ms = ms;
  r.storage_class = storage_class;
  r.meta = "{}";
  r.version_id = versioning == Versioning::Enabled ? key + "-" + std::to_string(ms) : "null";
  return objects.put_object(r, std::move(blob), {}, versioning, {});
}

// Pages of `page` rows through a listing by the time column `time` until it runs dry; the keys
// in order.
template <typename List>
std::vector<std::string> all_pages(List list, std::size_t page, std::int64_t ObjectRecord::*time) {
  std::vector<std::string> keys;
  TimeCursor after;
  for (;;) {
    auto rows = list(after, page);
    for (const auto& r : rows) keys.push_back(r.key);
    if (rows.size() < page) return keys;
    const ObjectRecord& last = rows.back();
    after = TimeCursor{last.*time, last.key, last.seq};
  }
}

TEST(SqliteStoreByTime, PagesThroughRowsThatShareATimeInTimeThenKeyOrder) {
  TempDir dir;
  auto store = open_store(dir.path());
  ObjectStore& objects = store->objects();
  // Seven objects at one time (as a frozen virtual clock writes them), two outside the window,
  // one outside the prefix.
  for (const char* key : {"p/g", "p/a", "p/e", "p/c", "p/b", "p/f", "p/d"}) ASSERT_TRUE(put_at(objects, key, 100));
  ASSERT_TRUE(put_at(objects, "p/early", 99));
  ASSERT_TRUE(put_at(objects, "p/late", 200));
  ASSERT_TRUE(put_at(objects, "q/a", 100));
  ASSERT_TRUE(put_at(objects, "p/z", 150, "INTELLIGENT_TIERING"));
  auto modified = [&](const TimeCursor& after, std::size_t limit) {
    return objects.list_modified_in("b", "p/", TimeWindow{100, 200}, after, limit);
  };
  const std::vector<std::string> expected = {"p/a", "p/b", "p/c", "p/d", "p/e", "p/f", "p/g", "p/z"};
  EXPECT_EQ(all_pages(modified, 3, &ObjectRecord::last_modified_ms), expected);
  EXPECT_EQ(all_pages(modified, 1, &ObjectRecord::last_modified_ms), expected);
  // Intelligent-Tiering objects by last access (the write, when never read).
  auto tiering = [&](const TimeCursor& after, std::size_t limit) {
    return objects.list_tiering_accessed_in("b", TimeWindow{0, 1000}, after, limit);
  };
  EXPECT_EQ(all_pages(tiering, 2, &ObjectRecord::last_access_ms), std::vector<std::string>{"p/z"});
}

TEST(SqliteStoreByTime, NoncurrentVersionsPageByWhenTheyStoppedBeingCurrent) {
  TempDir dir;
  auto store = open_store(dir.path());
  ObjectStore& objects = store->objects();
  // Each key written twice at 10 then again at 20: the versions of 10 stopped being current at
  // 20 (the time of the write that replaced them).
  for (const char* key : {"k/c", "k/a", "k/b"}) {
    ASSERT_TRUE(put_at(objects, key, 10, "STANDARD", Versioning::Enabled));
    ASSERT_TRUE(put_at(objects, key, 20, "STANDARD", Versioning::Enabled));
  }
  auto noncurrent = [&](const TimeCursor& after, std::size_t limit) {
    return objects.list_noncurrent_in("b", "k/", TimeWindow{0, 100}, after, limit);
  };
  EXPECT_EQ(all_pages(noncurrent, 2, &ObjectRecord::noncurrent_ms), (std::vector<std::string>{"k/a", "k/b", "k/c"}));
  EXPECT_TRUE(objects.list_noncurrent_in("b", "k/", TimeWindow{0, 20}, {}, 10).empty());
  // Noncurrent Intelligent-Tiering versions, by their own last access (here: their write).
  ASSERT_TRUE(put_at(objects, "t/x", 30, "INTELLIGENT_TIERING", Versioning::Enabled));
  ASSERT_TRUE(put_at(objects, "t/x", 40, "INTELLIGENT_TIERING", Versioning::Enabled));
  auto tiering = [&](const TimeCursor& after, std::size_t limit) {
    return objects.list_tiering_versions_accessed_in("b", TimeWindow{0, 100}, after, limit);
  };
  const auto versions = all_pages(tiering, 1, &ObjectRecord::last_access_ms);
  EXPECT_EQ(versions, std::vector<std::string>{"t/x"});  // the current one is not a version
}

TEST(SqliteStoreWriteGroup, WritesCommitTogetherAndEachFailsAlone) {
  TempDir dir;
  auto store = open_store(dir.path());
  ObjectStore& objects = store->objects();
  ASSERT_TRUE(store->buckets().create_bucket({"b", "us-east-1", 1, "me"}));
  ASSERT_TRUE(put(objects, "b", "old", "gone soon"));
  std::vector<ObjectChange> seen;
  std::size_t blobs_inside = 0;
  Status group = objects.write_together([&] {
    EXPECT_TRUE(put(objects, "b", "k1", "one", {}, one_event_per_change(&seen)));
    // A write whose condition fails is undone alone; the group goes on.
    EXPECT_FALSE(put(objects, "b", "k2", "two",
                     [](const std::optional<ObjectRecord>&) { return Status::conflict("no"); },
                     one_event_per_change(&seen)));
    auto deleted = objects.delete_latest("b", "old", Versioning::Unversioned, "", 5, one_event_per_change(&seen));
    EXPECT_TRUE(deleted && deleted.value().found);
    // The group's own reads see its writes; the bytes it let go stay until it commits.
    EXPECT_EQ(read_all(objects, "b", "k1"), "one");
    blobs_inside = blob_files(dir.path());
  });
  ASSERT_TRUE(group);
  EXPECT_EQ(blobs_inside, 2u);  // old's and k1's
  // Once committed, the group's let-go blobs are removed in the background.
  for (int i = 0; i < 500 && blob_files(dir.path()) != 1u; ++i)
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  EXPECT_EQ(blob_files(dir.path()), 1u);
  EXPECT_EQ(read_all(objects, "b", "k1"), "one");
  EXPECT_EQ(read_all(objects, "b", "k2"), "<missing>");
  EXPECT_EQ(read_all(objects, "b", "old"), "<missing>");
  EXPECT_EQ(store->outbox().pending_event_count(), 2u);
}

TEST(SqliteStoreWriteGroup, AnAbortedGroupLeavesEveryRowAndBlobAsItWas) {
  TempDir dir;
  auto store = open_store(dir.path());
  ObjectStore& objects = store->objects();
  ASSERT_TRUE(store->buckets().create_bucket({"b", "us-east-1", 1, "me"}));
  ASSERT_TRUE(put(objects, "b", "old", "kept"));
  Status group = objects.write_together([&] {
    EXPECT_TRUE(put(objects, "b", "new", "undone"));
    auto deleted = objects.delete_latest("b", "old", Versioning::Unversioned, "", 5, {});
    EXPECT_TRUE(deleted && deleted.value().found);
    throw std::runtime_error("the run stopped half way");
  });
  EXPECT_FALSE(group);
  EXPECT_EQ(read_all(objects, "b", "old"), "kept");
  EXPECT_EQ(read_all(objects, "b", "new"), "<missing>");
  // The store works on after it, outside a group and in one.
  ASSERT_TRUE(put(objects, "b", "after", "fine"));
  ASSERT_TRUE(objects.write_together([&] { EXPECT_TRUE(put(objects, "b", "grouped", "fine too")); }));
  EXPECT_EQ(read_all(objects, "b", "grouped"), "fine too");
}

TEST(SqliteStoreOutbox, RescheduleAndFinishWithFollowUps) {
  TempDir dir;
  auto store = open_store(dir.path());
  ASSERT_TRUE(store->outbox().enqueue({OutboxEntry{0, "fn", "{}", "{}", 1, 1, 0}}));
  auto due = store->outbox().due_events(1, 10, {});
  ASSERT_EQ(due.size(), 1u);
  OutboxEntry e = due[0];
  e.attempts = 1;
  e.due_ms = 100;
  ASSERT_TRUE(store->outbox().reschedule_event(e));
  EXPECT_TRUE(store->outbox().due_events(99, 10, {}).empty());
  EXPECT_EQ(store->outbox().next_due_ms(50), std::optional<std::int64_t>(100));
  ASSERT_EQ(store->outbox().due_events(100, 10, {}).at(0).attempts, 1);
  ASSERT_TRUE(
      store->outbox().finish_event(e.id, {OutboxEntry{0, "dest", "{\"r\":1}", "{}", 100, 100, 0}}));
  auto left = store->outbox().due_events(100, 10, {});
  ASSERT_EQ(left.size(), 1u);
  EXPECT_EQ(left[0].function, "dest");
}

}  // namespace
}  // namespace bf
