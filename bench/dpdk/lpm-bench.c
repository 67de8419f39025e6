// DPDK rte_lpm / rte_lpm6 reference for Crossroads' `quick` benchmark mode.
//
// Loads the same routes file (`prefix;next_hop` lines, plain or gzip), builds rte_lpm (IPv4) and rte_lpm6
// (IPv6), reads the address file `quick --write-addresses` wrote (so both engines look up the very same
// addresses), and prints one JSON line with the keys the quick mode prints. The timing procedure is the
// quick mode's: one warm-up pass over the addresses, then whole passes until the time is up.
//
// Next hops: rte_lpm keeps one next hop per prefix, so each prefix gets its numerically lowest next hop
// (IPv4 before IPv6) — what Crossroads answers while all metrics are equal. Next hop ids are the ranks of
// the distinct next hops in that order, as in Crossroads' RouteSet.
//
// usage: lpm-bench [EAL args] -- --routes FILE --addresses FILE [--seconds S] [--burst N] [--clock wall|cpu] [--serve] [--thp]
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <arpa/inet.h>
#include <sys/mman.h>
#include <zlib.h>

#include <rte_eal.h>
#include <rte_lpm.h>
#include <rte_lpm6.h>

#define ADDRESS_MAGIC 0x4c575258u // "XRWL" read as a little-endian u32

struct route {
	uint8_t v6;            // prefix family
	uint8_t length;
	uint8_t network[16];   // network byte order (IPv4: first 4 bytes)
	uint8_t hop_v6;
	uint8_t hop[16];
	uint32_t hop_id;
};

static clockid_t timing_clock = CLOCK_MONOTONIC;

static double now(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec * 1e-9;
}

// The clock of the timed passes: wall time, or with --clock cpu the thread's CPU time (the quick mode's
// ThreadCpuClock), which leaves out the time the thread sat preempted on a busy machine.
static double timing_now(void)
{
	struct timespec ts;
	clock_gettime(timing_clock, &ts);
	return ts.tv_sec + ts.tv_nsec * 1e-9;
}

#ifndef MADV_COLLAPSE
#define MADV_COLLAPSE 25
#endif

// --thp: the tables onto 2 MiB transparent huge pages (the whole 2 MiB pages inside [start, start + bytes)), as
// Crossroads does with its FIB arrays. DPDK normally runs rte_lpm on hugepages; these machines reserve none, so
// this is the way to give both engines the same pages. Best effort, like ours: failures leave 4 KiB pages.
static void collapse(const void *start, size_t bytes)
{
	const uintptr_t page = 2u << 20;
	uintptr_t from = ((uintptr_t)start + page - 1) & ~(page - 1);
	uintptr_t to = ((uintptr_t)start + bytes) & ~(page - 1);
	if (to > from) {
		madvise((void *)from, to - from, MADV_HUGEPAGE);
		madvise((void *)from, to - from, MADV_COLLAPSE);
	}
}

static void die(const char *what)
{
	fprintf(stderr, "lpm-bench: %s\n", what);
	exit(1);
}

static int compare_hop(const struct route *a, const struct route *b)
{
	if (a->hop_v6 != b->hop_v6)
		return a->hop_v6 - b->hop_v6;
	return memcmp(a->hop, b->hop, 16);
}

// Sort by (family, network, length, next hop): a prefix's routes are adjacent, lowest next hop first.
static int compare_route(const void *pa, const void *pb)
{
	const struct route *a = pa, *b = pb;
	if (a->v6 != b->v6)
		return a->v6 - b->v6;
	int c = memcmp(a->network, b->network, 16);
	if (c != 0)
		return c;
	if (a->length != b->length)
		return a->length - b->length;
	return compare_hop(a, b);
}

static int compare_route_by_hop(const void *pa, const void *pb)
{
	return compare_hop(*(const struct route *const *)pa, *(const struct route *const *)pb);
}

static int parse_address(const char *text, uint8_t *out16, uint8_t *v6)
{
	memset(out16, 0, 16);
	if (strchr(text, ':') != NULL) {
		*v6 = 1;
		return inet_pton(AF_INET6, text, out16) == 1 ? 0 : -1;
	}
	*v6 = 0;
	return inet_pton(AF_INET, text, out16) == 1 ? 0 : -1;
}

static struct route *load_routes(const char *path, size_t *count)
{
	gzFile file = gzopen(path, "rb"); // reads plain files too
	if (file == NULL)
		die("cannot open the routes file");
	size_t capacity = 1 << 20, n = 0;
	struct route *routes = malloc(capacity * sizeof *routes);
	char line[512];
	while (gzgets(file, line, sizeof line) != NULL) {
		char *text = line;
		while (*text == ' ' || *text == '\t')
			text++;
		text[strcspn(text, "\r\n")] = 0;
		if (*text == 0 || *text == '#')
			continue;
		char *semicolon = strchr(text, ';');
		char *slash = strchr(text, '/');
		if (semicolon == NULL)
			die("a line without ';'");
		*semicolon = 0;
		if (n == capacity) {
			capacity *= 2;
			routes = realloc(routes, capacity * sizeof *routes);
		}
		struct route *r = &routes[n];
		if (slash != NULL && slash < semicolon)
			*slash = 0;
		if (parse_address(text, r->network, &r->v6) != 0 || parse_address(semicolon + 1, r->hop, &r->hop_v6) != 0)
			die("a malformed address");
		r->length = slash != NULL && slash < semicolon ? (uint8_t)atoi(slash + 1) : (r->v6 ? 128 : 32);
		n++;
	}
	gzclose(file);
	*count = n;
	return routes;
}

// Next hop ids = ranks of the distinct next hops (IPv4 first, then numeric).
static void number_hops(struct route *routes, size_t n)
{
	struct route **by_hop = malloc(n * sizeof *by_hop);
	for (size_t i = 0; i < n; i++)
		by_hop[i] = &routes[i];
	qsort(by_hop, n, sizeof *by_hop, compare_route_by_hop);
	uint32_t id = 0;
	for (size_t i = 0; i < n; i++) {
		if (i > 0 && compare_hop(by_hop[i], by_hop[i - 1]) != 0)
			id++;
		by_hop[i]->hop_id = id;
	}
	free(by_hop);
}

struct workload {
	uint32_t count;
	uint32_t *random_v4;   // host order, as rte_lpm_lookup takes them
	uint32_t *inside_v4;
	uint8_t (*inside_v6)[16];
};

static void read_exact(FILE *f, void *buffer, size_t bytes)
{
	if (fread(buffer, 1, bytes, f) != bytes)
		die("the address file is truncated");
}

// Layout (little-endian): magic, version 1, count; count random IPv4 (u32); count inside IPv4 (u32);
// count inside IPv6 (16 bytes each, network byte order).
static struct workload read_workload(const char *path)
{
	FILE *f = fopen(path, "rb");
	if (f == NULL)
		die("cannot open the address file (write it with `quick --write-addresses FILE`)");
	uint32_t header[3];
	read_exact(f, header, sizeof header);
	if (header[0] != ADDRESS_MAGIC || header[1] != 1)
		die("not an address file of version 1");
	struct workload w = { .count = header[2] };
	w.random_v4 = malloc((size_t)w.count * 4);
	w.inside_v4 = malloc((size_t)w.count * 4);
	w.inside_v6 = malloc((size_t)w.count * 16);
	read_exact(f, w.random_v4, (size_t)w.count * 4);
	read_exact(f, w.inside_v4, (size_t)w.count * 4);
	read_exact(f, w.inside_v6, (size_t)w.count * 16);
	fclose(f);
	return w;
}

static const struct rte_lpm *lpm4;
static struct rte_lpm6 *lpm6;
static struct workload work;
static uint32_t *results;
static unsigned burst = 64;

static uint64_t pass_v4_single(const uint32_t *addresses)
{
	uint64_t sum = 0;
	for (uint32_t i = 0; i < work.count; i++) {
		uint32_t hop;
		// -1 for "no route", like Crossroads' lookups.
		sum += rte_lpm_lookup(lpm4, addresses[i], &hop) == 0 ? hop : (uint32_t)-1;
	}
	return sum;
}

static uint64_t pass_v4_random(void) { return pass_v4_single(work.random_v4); }
static uint64_t pass_v4_inside(void) { return pass_v4_single(work.inside_v4); }

static uint64_t pass_v6_inside(void)
{
	uint64_t sum = 0;
	for (uint32_t i = 0; i < work.count; i++) {
		uint32_t hop;
		sum += rte_lpm6_lookup(lpm6, work.inside_v6[i], &hop) == 0 ? hop : (uint32_t)-1;
	}
	return sum;
}

// rte_lpm_lookup_bulk keeps a variable-length array of n indices on the stack, so it is called on bursts,
// as DPDK applications do with received packets.
static uint64_t pass_v4_bulk(const uint32_t *addresses)
{
	for (uint32_t start = 0; start < work.count; start += burst) {
		unsigned n = work.count - start < burst ? work.count - start : burst;
		rte_lpm_lookup_bulk(lpm4, addresses + start, results + start, n);
	}
	return results[work.count - 1];
}

static uint64_t pass_v4_random_bulk(void) { return pass_v4_bulk(work.random_v4); }
static uint64_t pass_v4_inside_bulk(void) { return pass_v4_bulk(work.inside_v4); }

static uint64_t pass_v6_inside_bulk(void)
{
	for (uint32_t start = 0; start < work.count; start += burst) {
		unsigned n = work.count - start < burst ? work.count - start : burst;
		rte_lpm6_lookup_bulk_func(lpm6, work.inside_v6 + start, (int32_t *)results + start, n);
	}
	return results[work.count - 1];
}

static volatile uint64_t sink;

// One warm-up pass, then whole passes until the time is up; lookups per second.
static long long rate(double seconds, uint64_t (*pass)(void))
{
	uint64_t s = pass();
	long long passes = 0;
	double start = timing_now(), elapsed;
	do {
		s += pass();
		passes++;
		elapsed = timing_now() - start;
	} while (elapsed < seconds);
	sink += s;
	return (long long)(passes * (double)work.count / elapsed);
}

static long resident_bytes(void)
{
	long pages = 0, resident = 0;
	FILE *f = fopen("/proc/self/statm", "r");
	if (f != NULL) {
		if (fscanf(f, "%ld %ld", &pages, &resident) != 2)
			resident = 0;
		fclose(f);
	}
	return resident * 4096;
}

static void print_round(double seconds, size_t distinct, size_t prefixes, double parse_seconds, double load_seconds,
		uint32_t number_tbl8s, uint32_t max_rules)
{
	long long random_single = rate(seconds, pass_v4_random);
	long long inside_single = rate(seconds, pass_v4_inside);
	long long v6_single = rate(seconds, pass_v6_inside);
	long long random_bulk = rate(seconds, pass_v4_random_bulk);
	long long inside_bulk = rate(seconds, pass_v4_inside_bulk);
	long long v6_bulk = rate(seconds, pass_v6_inside_bulk);

	// rte_lpm's own tables: tbl24 (2^24 4-byte entries), the tbl8 groups (256 entries each) and the rules.
	long long fib_v4 = (4LL << 24) + (long long)number_tbl8s * 256 * 4 + (long long)max_rules * 8;
	printf("{\"engine\":\"dpdk-rte_lpm\",\"routes\":%zu,\"prefixes\":%zu,\"parse_seconds\":%.3f,\"load_seconds\":%.3f,"
		"\"ipv4_random_lookups_per_sec\":%lld,\"ipv4_inside_lookups_per_sec\":%lld,\"ipv6_inside_lookups_per_sec\":%lld,"
		"\"ipv4_random_bulk_lookups_per_sec\":%lld,\"ipv4_inside_bulk_lookups_per_sec\":%lld,\"ipv6_inside_bulk_lookups_per_sec\":%lld,"
		"\"fib_v4_bytes\":%lld,\"fib_v6_bytes\":null,\"managed_heap_bytes\":null,\"working_set_bytes\":%ld,"
		"\"burst\":%u}\n",
		distinct, prefixes, parse_seconds, load_seconds,
		random_single, inside_single, v6_single, random_bulk, inside_bulk, v6_bulk,
		fib_v4, resident_bytes(), burst);
	fflush(stdout);
}

int main(int argc, char **argv)
{
	int consumed = rte_eal_init(argc, argv);
	if (consumed < 0)
		die("rte_eal_init failed (try: --no-huge --no-pci -m 2048)");
	argc -= consumed;
	argv += consumed;

	const char *routes_path = NULL, *addresses_path = NULL;
	double seconds = 2;
	int serve = 0, thp = 0;
	for (int i = 1; i < argc; i++) {
		if (strcmp(argv[i], "--serve") == 0)
			serve = 1;
		else if (strcmp(argv[i], "--thp") == 0)
			thp = 1;
		else if (i + 1 >= argc)
			break;
		else if (strcmp(argv[i], "--routes") == 0)
			routes_path = argv[++i];
		else if (strcmp(argv[i], "--addresses") == 0)
			addresses_path = argv[++i];
		else if (strcmp(argv[i], "--seconds") == 0)
			seconds = atof(argv[++i]);
		else if (strcmp(argv[i], "--clock") == 0)
			timing_clock = strcmp(argv[++i], "cpu") == 0 ? CLOCK_THREAD_CPUTIME_ID : CLOCK_MONOTONIC;
		else if (strcmp(argv[i], "--burst") == 0)
			burst = (unsigned)atoi(argv[++i]);
	}
	if (routes_path == NULL || addresses_path == NULL || burst == 0 || burst > 4096)
		die("usage: lpm-bench [EAL args] -- --routes FILE --addresses FILE [--seconds S] [--burst N] [--clock wall|cpu] [--serve] [--thp]");

	double t0 = now();
	size_t n;
	struct route *routes = load_routes(routes_path, &n);
	number_hops(routes, n);
	qsort(routes, n, sizeof *routes, compare_route);
	double parse_seconds = now() - t0;

	// Distinct routes and prefixes, as Crossroads counts them (a repeated (prefix, next hop) counts once).
	size_t distinct = 0, prefixes = 0, v4_prefixes = 0, v6_prefixes = 0;
	for (size_t i = 0; i < n; i++) {
		if (i > 0 && compare_route(&routes[i], &routes[i - 1]) == 0)
			continue;
		distinct++;
		if (i == 0 || routes[i].v6 != routes[i - 1].v6 || routes[i].length != routes[i - 1].length
				|| memcmp(routes[i].network, routes[i - 1].network, 16) != 0) {
			prefixes++;
			routes[i].v6 ? v6_prefixes++ : v4_prefixes++;
		}
	}

	struct rte_lpm_config config4 = { .max_rules = (uint32_t)v4_prefixes + 16, .number_tbl8s = 1 << 16 };
	struct rte_lpm *table4 = rte_lpm_create("xr4", 0, &config4);
	struct rte_lpm6_config config6 = { .max_rules = (uint32_t)v6_prefixes + 16, .number_tbl8s = 1 << 19 };
	lpm6 = rte_lpm6_create("xr6", 0, &config6);
	if (table4 == NULL || lpm6 == NULL)
		die("rte_lpm_create / rte_lpm6_create failed (more memory: -m)");
	lpm4 = table4;

	for (size_t i = 0; i < n; i++) {
		// First route of each prefix: its lowest next hop.
		if (i > 0 && routes[i].v6 == routes[i - 1].v6 && routes[i].length == routes[i - 1].length
				&& memcmp(routes[i].network, routes[i - 1].network, 16) == 0)
			continue;
		int rc;
		if (routes[i].length == 0) {
			// rte_lpm and rte_lpm6 take depths from 1: a default route is its two halves. It sorts first, so a
			// real /1 added later replaces its half, as the longer match should.
			uint8_t upper[16] = { 0x80 };
			rc = routes[i].v6
				? rte_lpm6_add(lpm6, routes[i].network, 1, routes[i].hop_id) | rte_lpm6_add(lpm6, upper, 1, routes[i].hop_id)
				: rte_lpm_add(table4, 0, 1, routes[i].hop_id) | rte_lpm_add(table4, 0x80000000u, 1, routes[i].hop_id);
		} else if (routes[i].v6) {
			rc = rte_lpm6_add(lpm6, routes[i].network, routes[i].length, routes[i].hop_id);
		} else {
			uint32_t network;
			memcpy(&network, routes[i].network, 4);
			rc = rte_lpm_add(table4, ntohl(network), routes[i].length, routes[i].hop_id);
		}
		if (rc != 0) {
			fprintf(stderr, "lpm-bench: adding route %zu failed: %d (more tbl8s?)\n", i, rc);
			return 1;
		}
	}
	if (thp) {
		collapse(table4->tbl24, sizeof table4->tbl24);
		collapse(table4->tbl8, (size_t)config4.number_tbl8s * RTE_LPM_TBL8_GROUP_NUM_ENTRIES * sizeof *table4->tbl8);
		// rte_lpm6 is opaque: one allocation holding its header, 2^24 tbl24 entries and the tbl8 groups (4 bytes an
		// entry, 256 a group); regions never touched are not collapsed.
		collapse(lpm6, ((size_t)1 << 24) * 4 + (size_t)config6.number_tbl8s * 256 * 4);
	}
	double load_seconds = now() - t0;
	free(routes);

	work = read_workload(addresses_path);
	results = malloc((size_t)work.count * 4);

	// --serve: one more round per line read from stdin (bench/dpdk/compare.sh alternates the engines this way
	// without paying for rte_lpm's slow build each time).
	char line[64];
	do
		print_round(seconds, distinct, prefixes, parse_seconds, load_seconds, config4.number_tbl8s, config4.max_rules);
	while (serve && fgets(line, sizeof line, stdin) != NULL);
	rte_lpm_free(table4);
	rte_lpm6_free(lpm6);
	rte_eal_cleanup();
	return 0;
}
