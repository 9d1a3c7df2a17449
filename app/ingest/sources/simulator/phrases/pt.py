"""What the simulated audience says in Portuguese."""

from __future__ import annotations

PHRASES: dict[str, tuple[str, ...]] = {
    "pre": (
        "Contagem regressiva para {show}, pipoca pronta",
        "Que nervoso antes do jogo",
        "Aposto 2 a 1, guardem esse tuíte",
    ),
    "kickoff": ("Começou!", "Bola rolando em {show}!", "E lá vamos nós!"),
    "goal": (
        "GOOOOOOL",
        "Que golaço!",
        "Gritei tanto que o vizinho acordou",
        "No ângulo. Sem chance pro goleiro",
    ),
    "halftime": (
        "Intervalo. Preciso respirar",
        "Que primeiro tempo",
        "No intervalo: o meio-campo precisa acordar",
    ),
    "ad_break": (
        "Intervalo comercial = geladeira",
        "Sempre os mesmos comerciais",
        "Por que o comercial é mais alto que o jogo",
    ),
    "second_half": (
        "Começa o segundo tempo!",
        "Voltamos, mais 45 minutos de sofrimento",
        "Bora começar melhor que no primeiro",
    ),
    "final_whistle": ("ACABOU!!!", "Fim de jogo. Que noite", "Apito final, tô emocionado"),
    "outage": (
        "A transmissão caiu pra mais alguém?",
        "Tela preta na pior hora",
        "Travando no meio de {show}, inacreditável",
    ),
    "play": ("Que ritmo de jogo", "O juiz tá perdido hoje", "Vamooo!", "Que defesa do goleiro"),
    "break": (
        "Aproveitando o intervalo pra buscar mais petiscos",
        "Os comentaristas estão afiados hoje",
        "Começa logo esse segundo tempo",
    ),
    "post": (
        "Ainda tremendo depois de {show}",
        "Melhor {show} em anos",
        "Craque do jogo: o goleiro, sem dúvida",
    ),
    "question": (
        "Em que canal passa {show}?",
        "Alguém sabe o placar? Tô no ônibus",
        "Por que não foi pênalti?",
        "Tem replay do gol em algum lugar?",
    ),
    "complaint": (
        "A narração hoje tá insuportável",
        "Pior arbitragem que já vi",
        "Muito comercial, perdi o pré-jogo",
    ),
    "praise": (
        "Que transmissão incrível, parabéns",
        "É por isso que eu amo futebol",
        "Que partida do capitão",
    ),
    "joke": (
        "Envelheci 10 anos em 90 minutos",
        "Essa defesa é patrocinada por uma peneira",
        "Meu cachorro entende impedimento melhor que o juiz",
    ),
    "reply": (
        "Exatamente isso",
        "Nunca foi falta",
        "Eu também!",
        "Obrigado, alguém tinha que falar",
    ),
}
