package io.chorus.ingest.engage.quiz;

/**
 * A team's total: the sum of its members' whole-round scores, whenever they joined (a member's earlier
 * points count too, so the total does not depend on the order of {@code quiz.team} and answers).
 */
record TeamTotal(Points points, int members) {

    static final TeamTotal NONE = new TeamTotal(Points.NONE, 0);

    TeamTotal join(Standing member) {
        return new TeamTotal(points.plus(member.points()), members + 1);
    }

    TeamTotal plus(int question, int earned) {
        return new TeamTotal(points.plus(new Points(earned, question, earned)), members);
    }
}
