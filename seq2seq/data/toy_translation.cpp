#include "seq2seq/data/toy_translation.hpp"

#include <string>
#include <vector>

#include "core/error.hpp"
#include "core/rng.hpp"
#include "seq2seq/data/task.hpp"

namespace s2s {

namespace {

// --- The lexicon -----------------------------------------------------------------
// Noun kinds, as bits so a verb can accept several kinds of object.
enum Kind : unsigned { kAnimate = 1, kFood = 2, kDrink = 4, kThing = 8, kPlace = 16 };
constexpr unsigned kAnyKind = kAnimate | kFood | kDrink | kThing | kPlace;

struct Noun {
  const char *en, *en_pl, *es, *es_pl;
  bool fem;
  unsigned kind;
};
const Noun kNouns[] = {
    {"dog", "dogs", "perro", "perros", false, kAnimate},
    {"cat", "cats", "gato", "gatos", false, kAnimate},
    {"horse", "horses", "caballo", "caballos", false, kAnimate},
    {"bird", "birds", "pájaro", "pájaros", false, kAnimate},
    {"cow", "cows", "vaca", "vacas", true, kAnimate},
    {"mouse", "mice", "ratón", "ratones", false, kAnimate},
    {"girl", "girls", "niña", "niñas", true, kAnimate},
    {"boy", "boys", "niño", "niños", false, kAnimate},
    {"man", "men", "hombre", "hombres", false, kAnimate},
    {"woman", "women", "mujer", "mujeres", true, kAnimate},
    {"teacher", "teachers", "maestro", "maestros", false, kAnimate},
    {"friend", "friends", "amigo", "amigos", false, kAnimate},
    {"apple", "apples", "manzana", "manzanas", true, kFood},
    {"cake", "cakes", "pastel", "pasteles", false, kFood},
    {"soup", "soups", "sopa", "sopas", true, kFood},
    {"cookie", "cookies", "galleta", "galletas", true, kFood},
    {"juice", "juices", "jugo", "jugos", false, kDrink},
    {"coffee", "coffees", "café", "cafés", false, kDrink},
    {"beer", "beers", "cerveza", "cervezas", true, kDrink},
    {"book", "books", "libro", "libros", false, kThing},
    {"letter", "letters", "carta", "cartas", true, kThing},
    {"car", "cars", "coche", "coches", false, kThing},
    {"door", "doors", "puerta", "puertas", true, kThing},
    {"table", "tables", "mesa", "mesas", true, kThing},
    {"flower", "flowers", "flor", "flores", true, kThing},
    {"ball", "balls", "pelota", "pelotas", true, kThing},
    {"box", "boxes", "caja", "cajas", true, kThing},
    {"house", "houses", "casa", "casas", true, kPlace},
    {"park", "parks", "parque", "parques", false, kPlace},
    {"garden", "gardens", "jardín", "jardines", false, kPlace},
    {"street", "streets", "calle", "calles", true, kPlace},
    {"city", "cities", "ciudad", "ciudades", true, kPlace},
    {"school", "schools", "escuela", "escuelas", true, kPlace},
};

// Spanish adjectives by their masculine singular; the other forms follow rules
// (see adj_form): -o adjectives inflect for gender, the rest only for number.
struct Adj {
  const char *en, *es;
};
const Adj kAdjs[] = {
    {"big", "grande"},   {"small", "pequeño"}, {"red", "rojo"},        {"black", "negro"},
    {"white", "blanco"}, {"new", "nuevo"},     {"old", "viejo"},       {"pretty", "bonito"},
    {"tall", "alto"},    {"green", "verde"},   {"blue", "azul"},       {"happy", "feliz"},
    {"fast", "rápido"},  {"slow", "lento"},    {"yellow", "amarillo"}, {"sad", "triste"}};

// objects = kinds of noun the verb takes as object; 0 = intransitive.
struct Verb {
  const char *en, *en_3sg, *en_past, *es_inf;
  unsigned objects;
};
const Verb kVerbs[] = {
    {"eat", "eats", "ate", "comer", kFood},
    {"drink", "drinks", "drank", "beber", kDrink},
    {"see", "sees", "saw", "ver", kAnyKind},
    {"watch", "watches", "watched", "mirar", kAnimate | kThing},
    {"love", "loves", "loved", "amar", kAnimate},
    {"help", "helps", "helped", "ayudar", kAnimate},
    {"call", "calls", "called", "llamar", kAnimate},
    {"need", "needs", "needed", "necesitar", kFood | kDrink | kThing},
    {"buy", "buys", "bought", "comprar", kFood | kDrink | kThing},
    {"sell", "sells", "sold", "vender", kFood | kDrink | kThing},
    {"write", "writes", "wrote", "escribir", kThing},
    {"open", "opens", "opened", "abrir", kThing},
    {"clean", "cleans", "cleaned", "limpiar", kThing | kPlace},
    {"paint", "paints", "painted", "pintar", kThing | kPlace},
    {"carry", "carries", "carried", "llevar", kFood | kDrink | kThing},
    {"visit", "visits", "visited", "visitar", kAnimate | kPlace},
    {"run", "runs", "ran", "correr", 0},
    {"walk", "walks", "walked", "caminar", 0},
    {"swim", "swims", "swam", "nadar", 0},
    {"dance", "dances", "danced", "bailar", 0},
    {"sing", "sings", "sang", "cantar", 0},
    {"work", "works", "worked", "trabajar", 0},
    {"live", "lives", "lived", "vivir", 0},
};

// Grammatical persons we use (no "vosotros"; English "you" is always "tú").
enum Person { k1s, k2s, k3s, k1p, k3p };
enum Tense { kPresent, kPast };

struct Pronoun {
  const char *en, *es;
  Person person;
  bool fem;
};
const Pronoun kPronouns[] = {{"i", "yo", k1s, false},        {"you", "tú", k2s, false},
                             {"he", "él", k3s, false},       {"she", "ella", k3s, true},
                             {"we", "nosotros", k1p, false}, {"they", "ellos", k3p, false}};

// Present and preterite of regular -ar/-er/-ir verbs; "ver" is irregular.
std::string conjugate(const Verb& v, Person p, Tense t) {
  std::string inf = v.es_inf;
  if (inf == "ver") {
    static const char* pres[] = {"veo", "ves", "ve", "vemos", "ven"};
    static const char* past[] = {"vi", "viste", "vio", "vimos", "vieron"};
    return t == kPresent ? pres[p] : past[p];
  }
  static const char* ar[2][5] = {{"o", "as", "a", "amos", "an"},
                                 {"é", "aste", "ó", "amos", "aron"}};
  static const char* er[2][5] = {{"o", "es", "e", "emos", "en"},
                                 {"í", "iste", "ió", "imos", "ieron"}};
  static const char* ir[2][5] = {{"o", "es", "e", "imos", "en"},
                                 {"í", "iste", "ió", "imos", "ieron"}};
  std::string stem = inf.substr(0, inf.size() - 2);
  std::string ending = inf.substr(inf.size() - 2);
  auto& table = ending == "ar" ? ar : ending == "er" ? er : ir;
  return stem + table[t][p];
}

std::string ser(Person p, Tense t) {  // "to be" with adjectives: present and imperfect
  static const char* pres[] = {"soy", "eres", "es", "somos", "son"};
  static const char* past[] = {"era", "eras", "era", "éramos", "eran"};
  return t == kPresent ? pres[p] : past[p];
}

std::string be_en(Person p, Tense t) {
  if (t == kPresent) return p == k1s ? "am" : p == k3s ? "is" : "are";
  return (p == k1s || p == k3s) ? "was" : "were";
}

// rojo -> roja/rojos/rojas; grande -> grandes; azul -> azules; feliz -> felices.
std::string adj_form(const Adj& a, bool fem, bool plural) {
  std::string s = a.es;
  if (s.back() == 'o') {
    if (fem) s.back() = 'a';
  } else if (plural && s.back() == 'z') {
    s.back() = 'c';
    s += "e";
  } else if (plural && s.back() != 'e') {
    s += "e";
  }
  if (plural) s += "s";
  return s;
}

// What a subject imposes on its verb and predicate adjective.
struct Agreement {
  Person person;
  bool fem, plural, animate;
};

// Builds one sentence pair. Each side is appended in its own word order; the
// Spanish tokens record which English token positions they translate.
class Generator {
 public:
  explicit Generator(Rng& rng) : rng_(rng) {}

  Example sentence() {
    ex_ = Example{};
    int n_clauses = 1 + static_cast<int>(rng_.below(4));
    for (int c = 0; c < n_clauses; ++c) {
      if (c > 0) {
        bool but = chance(0.25);
        int i = en(but ? "but" : "and");
        es(but ? "pero" : "y", {i});
      }
      clause();
    }
    return std::move(ex_);
  }

 private:
  Rng& rng_;
  Example ex_;

  bool chance(double p) { return rng_.uniform() < p; }
  template <class T, size_t N>
  const T& pick(const T (&items)[N]) {
    return items[rng_.below(N)];
  }
  const Noun& pick_noun(unsigned kinds) {
    for (;;) {  // rejection sampling: every kind mask we pass is non-empty
      const Noun& n = pick(kNouns);
      if (n.kind & kinds) return n;
    }
  }
  const Verb& pick_verb(bool transitive) {
    for (;;) {
      const Verb& v = pick(kVerbs);
      if ((v.objects != 0) == transitive) return v;
    }
  }

  int en(const std::string& w) {
    ex_.src.push_back(w);
    return static_cast<int>(ex_.src.size()) - 1;
  }
  void es(const std::string& w, const std::vector<int>& links) {
    int j = static_cast<int>(ex_.tgt.size());
    ex_.tgt.push_back(w);
    for (int i : links) ex_.align.emplace_back(i, j);
  }

  // det [adj] noun  ->  [prep] art noun [adj].
  // es_prep: a Spanish preposition placed before the article ("a", "de", "en"...)
  // that contracts with "el" (a el -> al, de el -> del). personal_a: put "a"
  // before an animate object, as Spanish requires ("ve al gato").
  Agreement simple_np(unsigned kinds, const char* es_prep = nullptr,
                      std::vector<int> prep_links = {}, bool personal_a = false) {
    const Noun& n = pick_noun(kinds);
    bool plural = chance(0.3), definite = chance(0.7);
    const Adj* adj = chance(0.35) ? &pick(kAdjs) : nullptr;
    // English "a" becomes "an" before a vowel: "an old dog", "an apple".
    char next = adj ? adj->en[0] : n.en[0];
    bool vowel = std::string("aeiou").find(next) != std::string::npos;
    int idet = en(definite ? "the" : plural ? "some" : vowel ? "an" : "a");
    int iadj = adj ? en(adj->en) : -1;
    int inoun = en(plural ? n.en_pl : n.en);

    if (personal_a && n.kind == kAnimate) es_prep = "a";  // its link is the article's
    std::string art = definite ? (n.fem ? (plural ? "las" : "la") : (plural ? "los" : "el"))
                               : (n.fem ? (plural ? "unas" : "una") : (plural ? "unos" : "un"));
    std::vector<int> art_links = prep_links;
    art_links.push_back(idet);
    std::string prep = es_prep ? es_prep : "";
    if (art == "el" && (prep == "a" || prep == "de")) {
      es(prep == "a" ? "al" : "del", art_links);  // contraction
    } else {
      if (!prep.empty()) es(prep, prep_links.empty() ? std::vector<int>{idet} : prep_links);
      es(art, {idet});
    }
    es(plural ? n.es_pl : n.es, {inoun});
    if (adj) es(adj_form(*adj, n.fem, plural), {iadj});
    return {plural ? k3p : k3s, n.fem, plural, n.kind == kAnimate};
  }

  // [do/does/did not] verb  ->  [no] conjugated-verb
  void verb_group(const Verb& v, const Agreement& a, Tense t, bool neg) {
    if (neg) {
      int iaux = en(t == kPast ? "did" : a.person == k3s ? "does" : "do");
      int inot = en("not");
      int iv = en(v.en);
      es("no", {iaux, inot});
      es(conjugate(v, a.person, t), {iv});
    } else {
      int iv = en(t == kPast ? v.en_past : a.person == k3s ? v.en_3sg : v.en);
      es(conjugate(v, a.person, t), {iv});
    }
  }

  // A verb phrase agreeing with its subject. Inanimate subjects only get
  // "to be" + adjective. allow_relative: the object may carry a relative clause.
  // Returns true for an action verb (which may take a prepositional phrase).
  bool verb_phrase(const Agreement& subj, bool allow_relative) {
    Tense t = chance(0.5) ? kPresent : kPast;
    bool neg = chance(0.25);
    double r = subj.animate ? rng_.uniform() : 1.0;
    if (r < 0.55) {  // transitive
      const Verb& v = pick_verb(true);
      verb_group(v, subj, t, neg);
      Agreement obj = simple_np(v.objects, nullptr, {}, /*personal_a=*/true);
      if (allow_relative && chance(0.2)) relative_clause(obj);
      return true;
    }
    if (r < 0.8) {  // intransitive
      verb_group(pick_verb(false), subj, t, neg);
      return true;
    }
    // copula: is [not] adj -> [no] es adj (the adjective agrees with the subject)
    int ibe = en(be_en(subj.person, t));
    if (neg) {
      int inot = en("not");
      es("no", {inot});
    }
    es(ser(subj.person, t), {ibe});
    const Adj& adj = pick(kAdjs);
    int iadj = en(adj.en);
    es(adj_form(adj, subj.fem, subj.plural), {iadj});
    return false;
  }

  // that VP -> que VP; the VP agrees with the head noun, its object takes no
  // further relative clause (depth 1 keeps every sentence unambiguous).
  void relative_clause(const Agreement& head) {
    int i = en("that");
    es("que", {i});
    verb_phrase(head, /*allow_relative=*/false);
  }

  Agreement subject() {
    double r = rng_.uniform();
    if (r < 0.2) {
      const Pronoun& p = pick(kPronouns);
      int i = en(p.en);
      es(p.es, {i});
      return {p.person, p.fem, p.person >= k1p, true};
    }
    if (r < 0.35) {  // "the boy and the girl": plural; feminine only if both are
      Agreement a = simple_np(kAnimate);
      int i = en("and");
      es("y", {i});
      Agreement b = simple_np(kAnimate);
      return {k3p, a.fem && b.fem, true, true};
    }
    Agreement s = simple_np(chance(0.85) ? unsigned{kAnimate} : kAnyKind);
    if (chance(0.2)) relative_clause(s);
    return s;
  }

  void prep_phrase() {
    struct Prep {
      const char *en, *es_head, *es_prep;  // es_head: "cerca" of "cerca de"
      unsigned kinds;
    };
    static const Prep preps[] = {
        {"in", nullptr, "en", kPlace},      {"on", nullptr, "sobre", kThing},
        {"with", nullptr, "con", kAnimate}, {"near", "cerca", "de", kPlace},
        {"under", "debajo", "de", kThing},  {"from", nullptr, "de", kPlace},
        {"to", nullptr, "a", kPlace}};
    const Prep& p = pick(preps);
    int i = en(p.en);
    if (p.es_head) es(p.es_head, {i});
    simple_np(p.kinds, p.es_prep, {i});
  }

  void clause() {
    Agreement s = subject();
    bool action = verb_phrase(s, /*allow_relative=*/true);
    if (action && chance(0.35)) prep_phrase();
  }
};

}  // namespace

Splits make_toy_translation(const ToyConfig& cfg) {
  S2S_CHECK(cfg.min_len >= 1 && cfg.min_len <= cfg.max_len,
            "toy_en_es: need 1 <= min_len <= max_len, got min_len={} max_len={}", cfg.min_len,
            cfg.max_len);
  auto draw = [&](Rng& rng) {
    Generator gen(rng);
    for (int attempt = 0; attempt < 10000; ++attempt) {
      Example ex = gen.sentence();
      int n = static_cast<int>(ex.src.size());
      if (n >= cfg.min_len && n <= cfg.max_len) return ex;
    }
    throw Error(
        fmt::format("toy_en_es: no sentence with {}..{} source tokens in 10000 tries; "
                    "the grammar makes about 2..80",
                    cfg.min_len, cfg.max_len));
  };
  return draw_unique_splits(draw, cfg.seed, cfg.n_train, cfg.n_valid, cfg.n_test, "toy_en_es");
}

}  // namespace s2s
