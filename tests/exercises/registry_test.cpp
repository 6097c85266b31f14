// The course kit's registries agree (exercises.tsv, tutorials.tsv, the probes of
// tutorials/exercise_needs.hpp): ctest "course kit: registry". Whether each
// tutorial's needs are *right* is checked by running it with exactly them solved
// (tutorials/exercises/check_student_edition.sh, CI).
#include <algorithm>
#include <map>
#include <set>

#include "exercise_util.hpp"

using namespace s2s::course;

TEST_CASE("course kit registry: every exercise has a probe, and every probe an exercise") {
  std::set<std::string> ids;
  const std::vector<std::string> probed = probe_ids();
  for (const ExerciseInfo& e : kExercises) {
    ids.insert(e.id);
    CHECK_MESSAGE(std::count(probed.begin(), probed.end(), e.id) == 1,
                  ("no probe for exercise " + std::string(e.id)));
  }
  for (const std::string& id : probed)
    CHECK_MESSAGE(ids.count(id) == 1, ("probe for " + id + ", which is not in exercises.tsv"));
}

TEST_CASE("course kit registry: each exercise's \"then run\" tutorial runs its code") {
  for (const ExerciseInfo& e : kExercises) {
    const TutorialInfo* t = find_tutorial(e.tutorial);
    CHECK_MESSAGE(t != nullptr,
                  (std::string(e.id) + ": then run " + e.tutorial + ", not in tutorials.tsv"));
    if (!t) continue;
    const std::vector<std::string> need = split_list(t->needs);
    CHECK_MESSAGE(std::find(need.begin(), need.end(), e.id) != need.end(),
                  (std::string(e.id) + ": then run " + e.tutorial +
                   ", whose needs (tutorials.tsv) are " + t->needs + ": it never runs " + e.id));
  }
}

TEST_CASE("course kit registry: assignments cover each exercise once, before it is needed") {
  std::map<std::string, int> assigned;
  std::set<std::string> so_far;
  for (const TutorialInfo& t : kTutorials) {
    for (const std::string& id : split_list(t.assignment)) {
      ++assigned[id];
      so_far.insert(id);
    }
    for (const std::string& id : split_list(t.needs))
      CHECK_MESSAGE(so_far.count(id) == 1, (std::string(t.name) + " needs " + id +
                                            ", assigned only after it (tutorials.tsv)"));
  }
  for (const ExerciseInfo& e : kExercises)
    CHECK_MESSAGE(assigned[e.id] == 1,
                  (std::string(e.id) + " is in " + std::to_string(assigned[e.id]) +
                   " assignments of tutorials.tsv, want 1"));
}

TEST_CASE("course kit registry: a tutorial's fast bypasses are among its needs") {
  for (const TutorialInfo& t : kTutorials) {
    const std::vector<std::string> need = split_list(t.needs);
    for (const std::string& id : split_list(t.fast_bypasses))
      CHECK_MESSAGE(std::find(need.begin(), need.end(), id) != need.end(),
                    (std::string(t.name) + ": fast_bypasses " + id + " is not among its needs"));
  }
}

TEST_CASE("course kit registry: an exercise's needs are exercises of the registry") {
  for (const ExerciseInfo& e : kExercises)
    for (const std::string& need : split_list(e.needs))
      CHECK_MESSAGE(find_exercise(need) != nullptr,
                    (std::string(e.id) + " needs unknown exercise " + need));
}
